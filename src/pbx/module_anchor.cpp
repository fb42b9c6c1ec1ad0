// placeholder until the module's first file lands; keeps the library non-empty
namespace dzvin::pbx {
void module_anchor() {}
}  // namespace dzvin::pbx
