// JSON shapes of lines, channels, dialogs, sessions and messages, shared by the REST API and
// the realtime events (which must carry exactly what a GET returns). The customer's views are
// separate functions, so what a customer can see is decided here and nowhere else.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "domain/dialog.h"
#include "domain/employee.h"
#include "domain/line.h"

namespace omniline::services::views {

boost::json::object line(const domain::Line& l);
// The secret only when `with_secret` (the reply to creation).
boost::json::object channel(const domain::Channel& c, bool with_secret);
boost::json::object widget(const domain::WidgetSettings& w);
// What every employee may know of a channel: {id, kind, name}.
boost::json::object channel_brief(const domain::Channel& c);
boost::json::object customer(const domain::Customer& c);
boost::json::object session(const domain::Session& s);
// The name employees see: the title, or the customer's name, or "Customer #<id>".
std::string display_title(const domain::Dialog& d, const domain::Customer& c);
// `channel`: the dialog's channel (null when it could not be read: "channel" is then null).
boost::json::object dialog(const domain::Dialog& d, const domain::Session& s,
                           const domain::Customer& c,
                           const std::optional<domain::Message>& last_message,
                           const std::string& last_author_name, const domain::Channel* channel);
// `author_name`: the employee's or customer's name (empty for system messages).
boost::json::object message(const domain::Message& m, const std::string& author_name);
// A message's files with signed download URLs ([] for a deleted message).
boost::json::array files(const domain::Message& m);
// An uploaded file, as the upload answers it.
boost::json::object file(const domain::StoredFile& f);
boost::json::object folder(const domain::DriveFolder& f);
boost::json::object employee_brief(const domain::Employee& e);

// --- what the customer sees ---
// Never called for hidden messages. Operators appear by name only.
boost::json::object customer_message(const domain::Message& m, const std::string& author_name,
                                     const std::string& avatar_url = "");
boost::json::object customer_dialog(const domain::Dialog& d, const domain::Session& s);

std::string to_text(const boost::json::object& o);

}  // namespace omniline::services::views
