#pragma once
// Personal fields of a subject between Decide, the key store and the views.
//
// Field names (the "field" half of the associated data, key_store.h):
//   "pseudonym", "birth_year"      of SituationOpened
//   "note:<note_id>"               of SituationNoteAdded
// so a note's ciphertext cannot be passed off as another note's.
//
// Thread safety: as safe as the KeyStore passed in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/status.h"
#include "projections/decide.h"
#include "projections/key_store.h"
#include "projections/state.h"
#include "projections/views.h"

namespace vigie::projections {

inline constexpr std::string_view kPseudonymField = "pseudonym";
inline constexpr std::string_view kBirthYearField = "birth_year";
std::string NoteField(std::string_view note_id);

// Seals every unsealed personal field of `events` (see decide.h): a new key
// for each SituationOpened, the situation's key for notes. Appends the ids
// of keys it created to *created_keys, so that a caller whose append then
// fails can erase them.
Status SealPersonalFields(std::vector<PlannedEvent>& events, KeyStore& keys,
                          std::vector<std::string>* created_keys);
// Whether SealPersonalFields would use the key store for `events` (a key
// to create and sync, a key to seal under): the same cases, kept together.
bool UsesKeyStore(const std::vector<PlannedEvent>& events);

// The plaintext of a stored field, or kErased (views.h) when its key is gone.
// kDataLoss when the ciphertext does not open (tampering).
Result<std::string> Reveal(const KeyStore& keys, const SealedField& field, std::string_view name);

// Birth year of a situation's subject, nullopt when erased or unreadable.
std::optional<int> RevealBirthYear(const KeyStore& keys, const Situation& situation);

}  // namespace vigie::projections
