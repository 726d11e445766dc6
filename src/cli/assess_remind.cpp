// minsheng assess remind: reminds the overdue rectification tasks (整改) of
// every unit (ConsequenceService::Remind as the CLI principal, audited as
// "cli") and prints them, one per line.
#include <cstdio>

#include "app/app.h"
#include "cli/commands.h"

namespace minsheng::cli {

int AssessRemind(const Config& config) {
  auto app = OpenOrReport(config);
  if (!app) return 1;
  const UtcTime now = Now();
  const auth::Caller caller = CliCaller();
  auto reminded = app->consequences->Remind(caller, now);
  if (!reminded.ok()) {
    PrintError(reminded.error());
    return 1;
  }
  for (const auto& t : *reminded) {
    std::printf("%lld\t%s\t%s\t%s %s\t截止 %s\t%s\t%s\n", static_cast<long long>(t.id), t.object_code.c_str(),
                t.object_name.c_str(), t.period.c_str(), t.template_code.c_str(), FormatDate(t.due_on).c_str(),
                t.status.c_str(), t.title.c_str());
  }
  std::printf("%zu overdue task(s) reminded (已提醒 %zu 项逾期整改任务) on %s\n", reminded->size(), reminded->size(),
              FormatDate(DateInShanghai(now)).c_str());
  return 0;
}

}  // namespace minsheng::cli
