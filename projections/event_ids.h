#pragma once
// Identifiers the ledger makes: command ids, event ids and bearer tokens.
//
// - A command without a client command_id gets a random UUID (version 4),
//   so every record names the command that caused it.
// - Event i of command C has id = the first 16 bytes of
//   SHA-256("vigie-event\0" || C || "\0" || decimal i), stamped as a
//   UUID version 8 (RFC 9562): a command retried after a crash yields the
//   same event ids, and the store refuses duplicates.
// - A bearer token is 32 random bytes in unpadded base64url (43 chars);
//   only SHA-256 of its text is ever stored.
//
// Pure given the RandomSource; thread-safe if it is.
#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/event_store.h"
#include "projections/key_store.h"

namespace vigie::projections {

std::string FormatUuid(const eventstore::EventId& id);
std::string RandomUuid(const RandomSource& random);
eventstore::EventId DeriveEventId(std::string_view command_id, std::size_t index);

std::string NewBearerToken(const RandomSource& random);
// SHA-256 of the token text, 32 raw bytes: the key of State::people_by_token.
std::string TokenHash(std::string_view token);

}  // namespace vigie::projections
