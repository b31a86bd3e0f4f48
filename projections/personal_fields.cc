#include "projections/personal_fields.h"

#include <algorithm>
#include <charconv>

namespace vigie::projections {
namespace {

namespace fbs = vigie::schema;

Status SealOne(KeyStore& keys, const std::string& key_id, std::string_view name,
               std::unique_ptr<fbs::SealedT>& field) {
  if (!field || !field->nonce.empty()) return Status::Ok();
  const std::string plaintext(field->ciphertext.begin(), field->ciphertext.end());
  Result<SealedBytes> sealed = keys.Seal(key_id, name, plaintext);
  std::fill(field->ciphertext.begin(), field->ciphertext.end(), 0);
  if (!sealed) return sealed.error();
  field->key_id = key_id;
  field->nonce.assign(sealed->nonce.begin(), sealed->nonce.end());
  field->ciphertext.assign(sealed->ciphertext.begin(), sealed->ciphertext.end());
  return Status::Ok();
}

}  // namespace

std::string NoteField(std::string_view note_id) { return "note:" + std::string(note_id); }

Status SealPersonalFields(std::vector<PlannedEvent>& events, KeyStore& keys,
                          std::vector<std::string>* created_keys) {
  for (PlannedEvent& planned : events) {
    fbs::EventBodyUnion& body = planned.event.body;
    if (auto* opened = body.AsSituationOpened()) {
      if (opened->key_id.empty()) {
        Result<std::string> key_id = keys.CreateKey();
        if (!key_id) return key_id.error();
        created_keys->push_back(*key_id);
        opened->key_id = *key_id;
      }
      VIGIE_RETURN_IF_ERROR(SealOne(keys, opened->key_id, kPseudonymField, opened->pseudonym));
      VIGIE_RETURN_IF_ERROR(SealOne(keys, opened->key_id, kBirthYearField, opened->birth_year));
    } else if (auto* note = body.AsSituationNoteAdded()) {
      if (!note->text) continue;
      const std::string key_id = note->text->key_id;
      if (key_id.empty()) return Internal("a note was decided without its subject's key");
      VIGIE_RETURN_IF_ERROR(SealOne(keys, key_id, NoteField(note->note_id), note->text));
    }
  }
  return Status::Ok();
}

bool UsesKeyStore(const std::vector<PlannedEvent>& events) {
  return std::ranges::any_of(events, [](const PlannedEvent& planned) {
    const fbs::EventBodyUnion& body = planned.event.body;
    return body.AsSituationOpened() != nullptr || (body.AsSituationNoteAdded() && body.AsSituationNoteAdded()->text);
  });
}

Result<std::string> Reveal(const KeyStore& keys, const SealedField& field, std::string_view name) {
  if (field.key_id.empty()) return std::string(kErased);
  Result<std::string> plaintext = keys.Unseal(field.key_id, name, field.nonce, field.ciphertext);
  if (!plaintext && plaintext.error().code() == StatusCode::kNotFound) return std::string(kErased);
  return plaintext;
}

std::optional<int> RevealBirthYear(const KeyStore& keys, const Situation& situation) {
  if (situation.erased) return std::nullopt;
  Result<std::string> text = Reveal(keys, situation.birth_year, kBirthYearField);
  if (!text || *text == kErased) return std::nullopt;
  int year = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), year);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return year;
}

}  // namespace vigie::projections
