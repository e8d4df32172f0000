// Quick answers (reply templates): global or of one line, grouped by optional sections.
// Admins and supervisors manage all of them; operators read the global ones and those of the
// lines whose queue they are in, and manage only the latter (domain/quick_answer.h). An answer
// (or a line) the caller may not read is not_found, never forbidden. Blocking: call from worker
// threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/quick_answer.h"
#include "services/auth_service.h"
#include "store/store.h"

namespace omniline::services {

struct QuickAnswerPatch {
  std::optional<std::string> title;
  std::optional<std::string> text;
  std::optional<std::string> section;            // "" clears it
  std::optional<std::optional<LineId>> line_id;  // set: move (nullopt inside = global)
};

class QuickAnswerService {
 public:
  QuickAnswerService(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // What the actor may see. The viewer fields of `q` are filled here; a line filter naming a
  // line the actor may not read (or that does not exist) is not_found.
  Result<store::Page<domain::QuickAnswer>> list(const Principal& actor, store::QuickAnswerQuery q);
  Result<std::vector<std::string>> sections(const Principal& actor, std::optional<LineId> line);
  Result<domain::QuickAnswer> get(const Principal& actor, QuickAnswerId id);
  // invalid for bad fields; not_found for an unknown line; forbidden when the actor may not
  // manage answers of that scope.
  Result<domain::QuickAnswer> create(const Principal& actor, domain::QuickAnswer qa);
  Result<domain::QuickAnswer> update(const Principal& actor, QuickAnswerId id,
                                     const QuickAnswerPatch& patch);
  Status remove(const Principal& actor, QuickAnswerId id);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace omniline::services
