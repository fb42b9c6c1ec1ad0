#pragma once
// CPU time of this process's threads by role, from /proc/self/task/*/stat: media threads
// ("dzvin-media-*"), the recording writer ("dzvin-recorder"), load generator threads ("gen-*")
// and the rest. For the load tools.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

namespace dzvin::bench {

struct ThreadTimes {
  long media = 0;  // clock ticks (utime + stime)
  long generator = 0;
  long recorder = 0;  // "dzvin-recorder": the recording writer
  long other = 0;
};

inline ThreadTimes read_thread_times() {
  ThreadTimes t;
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return t;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + e->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    const std::string comm = stat.substr(open + 1, close - open - 1);
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    long utime = 0;
    long stime = 0;
    // Fields after "(comm)": state(3) ... utime(14) stime(15).
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stol(field);
      if (i == 15) stime = std::stol(field);
    }
    const long ticks = utime + stime;
    if (comm.rfind("dzvin-media", 0) == 0)
      t.media += ticks;
    else if (comm.rfind("dzvin-recorder", 0) == 0)
      t.recorder += ticks;
    else if (comm.rfind("gen-", 0) == 0)
      t.generator += ticks;
    else
      t.other += ticks;
  }
  ::closedir(dir);
  return t;
}

}  // namespace dzvin::bench
