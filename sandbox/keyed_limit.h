// KeyedLimit: at most `limit` things held at once per key, e.g. Watch streams per API key, so
// that one key cannot take every stream the server is willing to serve.
//
//   KeyedLimit watches(1000);
//   std::optional<KeyedLimit::Slot> slot = watches.TryAcquire(caller.key_id);
//   if (!slot) return TooMany();
//   ...  // the slot is released when `slot` goes away
//
// Thread-safe; the limit must outlive its slots.
#ifndef CONNECTRPC_SANDBOX_KEYED_LIMIT_H_
#define CONNECTRPC_SANDBOX_KEYED_LIMIT_H_

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sandbox {

class KeyedLimit {
 public:
  // One unit held for a key until the slot is destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) = delete;
    ~Slot();

   private:
    friend class KeyedLimit;
    Slot(KeyedLimit* owner, std::string key) : owner_(owner), key_(std::move(key)) {}

    KeyedLimit* owner_;
    std::string key_;
  };

  // `limit` units per key; 0 or less: no limit.
  explicit KeyedLimit(int limit) : limit_(limit) {}
  KeyedLimit(const KeyedLimit&) = delete;
  KeyedLimit& operator=(const KeyedLimit&) = delete;

  int limit() const { return limit_; }
  // A slot for `key`, or nullopt when `key` already holds `limit` of them.
  std::optional<Slot> TryAcquire(const std::string& key);
  // Units `key` holds now.
  int held(const std::string& key) const;

 private:
  void Release(const std::string& key);

  const int limit_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> held_;
};

}  // namespace sandbox

#endif  // CONNECTRPC_SANDBOX_KEYED_LIMIT_H_
