// CSV as spreadsheets save it: quoting (separators, line breaks and doubled quotes inside
// quotes), a byte-order mark, commas or semicolons, CRLF / LF / CR, the line each record starts
// on; and the errors, each naming its line.
#include "crm/contact_csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace dzvin::crm {
namespace {

using Fields = std::vector<std::string>;

struct Parsed {
  char separator = ',';
  std::vector<std::size_t> lines;
  std::vector<Fields> records;
  std::string error;  // "" when the whole text was read
};

Parsed parse(std::string_view text, CsvLimits limits = {}) {
  CsvReader reader(text, limits);
  Parsed parsed;
  parsed.separator = reader.separator();
  CsvRecord record;
  for (;;) {
    auto more = reader.next(record);
    if (!more) {
      EXPECT_EQ(more.error().code, kCsvMalformed);
      parsed.error = more.error().message;
      break;
    }
    if (!*more) break;
    parsed.lines.push_back(record.line);
    parsed.records.push_back(record.fields);
  }
  return parsed;
}

TEST(ContactCsvTest, PlainRecordsWithLineNumbers) {
  const Parsed p = parse("name,phone\nOlena,050 111 22 33\nPetro,067 222 33 44\n");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.separator, ',');
  EXPECT_EQ(p.records,
            (std::vector<Fields>{
                {"name", "phone"}, {"Olena", "050 111 22 33"}, {"Petro", "067 222 33 44"}}));
  EXPECT_EQ(p.lines, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(ContactCsvTest, TheLastLineNeedsNoLineBreak) {
  const Parsed p = parse("name\nOlena");
  EXPECT_EQ(p.records, (std::vector<Fields>{{"name"}, {"Olena"}}));
}

TEST(ContactCsvTest, QuotedFieldsHoldSeparatorsQuotesAndLineBreaks) {
  const Parsed p = parse(
      "name,notes,phones\n"
      "\"Koval, Olena\",\"She said \"\"call me\"\"\",\"050 111 22 33, 067 222 33 44\"\n"
      "Petro,\"first line\nsecond line\n\nfourth\",\n"
      "\"\",\"\"\"\",x\n");
  EXPECT_EQ(p.error, "");
  ASSERT_EQ(p.records.size(), 4u);
  EXPECT_EQ(p.records[1],
            (Fields{"Koval, Olena", "She said \"call me\"", "050 111 22 33, 067 222 33 44"}));
  EXPECT_EQ(p.records[2], (Fields{"Petro", "first line\nsecond line\n\nfourth", ""}));
  EXPECT_EQ(p.records[3], (Fields{"", "\"", "x"}));
  // Line breaks inside quotes count: Petro's record spans lines 3-6, the next starts on 7.
  EXPECT_EQ(p.lines, (std::vector<std::size_t>{1, 2, 3, 7}));
}

TEST(ContactCsvTest, ByteOrderMarkIsSkipped) {
  const Parsed p = parse("\xEF\xBB\xBFname;phone\r\nОлена;0501112233\r\n");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.records, (std::vector<Fields>{{"name", "phone"}, {"Олена", "0501112233"}}));
}

TEST(ContactCsvTest, TheSeparatorIsWhatTheFirstLineHasMoreOf) {
  // Excel where the decimal separator is a comma (Ukrainian, Russian settings) writes ';'.
  Parsed p = parse("name;company;phone\n\"Koval, Olena\";Roshen, LLC;050\n");
  EXPECT_EQ(p.separator, ';');
  EXPECT_EQ(p.records[1], (Fields{"Koval, Olena", "Roshen, LLC", "050"}));
  // Separators inside quotes of the first line do not count.
  p = parse("\"a;b;c\",name,phone\n");
  EXPECT_EQ(p.separator, ',');
  EXPECT_EQ(p.records[0], (Fields{"a;b;c", "name", "phone"}));
  p = parse("\"a,b,c\";name\n");
  EXPECT_EQ(p.separator, ';');
  // One column: no separator at all.
  p = parse("name\nKoval, Olena\n");
  EXPECT_EQ(p.separator, ',');
  EXPECT_EQ(p.records[1], (Fields{"Koval", " Olena"}));
}

TEST(ContactCsvTest, CrlfLfAndLoneCrEndRecords) {
  const Parsed p = parse("name\r\nA\nB\rC\r\n\"D\r\nE\"\r\nF");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.records, (std::vector<Fields>{{"name"}, {"A"}, {"B"}, {"C"}, {"D\r\nE"}, {"F"}}));
  EXPECT_EQ(p.lines, (std::vector<std::size_t>{1, 2, 3, 4, 5, 7}));
}

TEST(ContactCsvTest, EmptyLinesAreSkippedButCounted) {
  const Parsed p = parse("name\n\nA\r\n\r\n\nB\n\n");
  EXPECT_EQ(p.records, (std::vector<Fields>{{"name"}, {"A"}, {"B"}}));
  EXPECT_EQ(p.lines, (std::vector<std::size_t>{1, 3, 6}));
  // A quoted empty field is a record, not an empty line.
  EXPECT_EQ(parse("name\n\"\"\n").records, (std::vector<Fields>{{"name"}, {""}}));
  // Nothing at all, or a mark alone.
  EXPECT_TRUE(parse("").records.empty());
  EXPECT_TRUE(parse("\xEF\xBB\xBF").records.empty());
  EXPECT_EQ(parse("").error, "");
}

TEST(ContactCsvTest, RecordsMayDifferInLengthAndEndWithAnEmptyField) {
  const Parsed p = parse("a,b,c\n1\n1,2,3,4\n1,2,\n,,\n");
  EXPECT_EQ(p.records,
            (std::vector<Fields>{
                {"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}, {"1", "2", ""}, {"", "", ""}}));
}

TEST(ContactCsvTest, AQuoteInsideAnUnquotedFieldIsText) {
  const Parsed p = parse("name,size\nO\"Neil,12\" pipe\n");
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.records[1], (Fields{"O\"Neil", "12\" pipe"}));
}

TEST(ContactCsvTest, AnUnterminatedQuoteNamesTheLineItOpensOn) {
  const Parsed p = parse("name,notes\nA,ok\nB,\"never closed\nmore\nand more\n");
  EXPECT_EQ(p.error, "line 3: a quoted field is never closed (a \" is missing)");
  // The records before it were read.
  EXPECT_EQ(p.records.size(), 2u);
}

TEST(ContactCsvTest, TextAfterAClosingQuoteIsAnError) {
  const Parsed p = parse("name\n\"A\"\n\"multi\nline\"x,\n");
  EXPECT_EQ(p.error.rfind("line 4: text after the closing quote", 0), 0u) << p.error;
}

TEST(ContactCsvTest, TextThatIsNotUtf8NamesItsLine) {
  // "Олена" as Windows-1251 on line 3.
  Parsed p = parse("name\nPetro\n\xCE\xEB\xE5\xED\xE0\n");
  EXPECT_EQ(p.error.rfind("line 3: not UTF-8 text", 0), 0u) << p.error;
  EXPECT_TRUE(p.records.empty());  // nothing is read from such a file
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_NE(parse("name\n\xC0\xAF\n").error, "");
  EXPECT_NE(parse("name\n\xED\xA0\x80\n").error, "");
  EXPECT_NE(parse("name\n\xF4\x90\x80\x80\n").error, "");
  EXPECT_NE(parse("name\nA\xE2\x82").error, "");  // cut short at the end
  // Four-byte characters are fine.
  EXPECT_EQ(parse("name\n\xF0\x9F\x98\x80\n").error, "");
}

TEST(ContactCsvTest, Utf16IsRecognisedAndRefused) {
  const std::string utf16("\xFF\xFEn\0a\0m\0e\0", 10);
  EXPECT_EQ(parse(utf16).error, "line 1: the file is UTF-16; save it as \"CSV UTF-8\"");
}

TEST(ContactCsvTest, FieldsAndRecordsAreBounded) {
  CsvLimits limits;
  limits.max_field_bytes = 8;
  limits.max_fields = 3;
  EXPECT_EQ(parse("name\n12345678\n", limits).error, "");
  EXPECT_EQ(parse("name\n123456789\n", limits).error, "line 2: a field longer than 8 bytes");
  EXPECT_EQ(parse("name\n\"1234\n5678\"\n", limits).error,
            "line 2: a field longer than 8 bytes");  // 9 bytes with the line break
  EXPECT_EQ(parse("a,b,c\n", limits).error, "");
  EXPECT_EQ(parse("a,b,c,d\n", limits).error, "line 1: more than 3 fields");
}

TEST(ContactCsvTest, AnErrorStays) {
  CsvReader reader("name\n\"open\n");
  CsvRecord record;
  ASSERT_TRUE(reader.next(record));
  for (int i = 0; i < 2; ++i) {
    auto more = reader.next(record);
    ASSERT_FALSE(more);
    EXPECT_EQ(more.error().message, "line 2: a quoted field is never closed (a \" is missing)");
  }
}

}  // namespace
}  // namespace dzvin::crm
