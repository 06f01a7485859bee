package services

import (
	"context"
	"errors"
	"strconv"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
)

// RedisSessionStore is the production SessionStore, on the connection of
// gofiber/storage/redis. A session is a string key with a TTL; each user's
// sessions are also members of a sorted set scored by their expiry (the index).
// Every write that touches both is one Lua script, so no reader ever sees a
// session without its index entry or the reverse, and Replace can check that the
// key still exists and rewrite it in one step (it never brings back a session
// that was deleted after it was loaded).
//
// Reads are batched: every signed-in page loads its session, and under load the
// concurrent loads travel together in one MGET (one round trip, two syscalls)
// instead of one GET each.
type RedisSessionStore struct {
	conn   redis.UniversalClient
	prefix string
	reads  *batchedLookups[string, []byte]

	create, replace, remove, removeUser, listUser *redis.Script
}

// NewRedisSessionStore returns the store over storage's connection; every key
// is stored under prefix.
func NewRedisSessionStore(storage *fiberredis.Storage, prefix string) *RedisSessionStore {
	st := &RedisSessionStore{
		conn:       storage.Conn(),
		prefix:     prefix,
		create:     redis.NewScript(createSessionScript),
		replace:    redis.NewScript(replaceSessionScript),
		remove:     redis.NewScript(deleteSessionScript),
		removeUser: redis.NewScript(deleteUserSessionsScript),
		listUser:   redis.NewScript(listUserSessionsScript),
	}
	st.reads = &batchedLookups[string, []byte]{fetch: st.mget}
	return st
}

// The scripts name the session keys they derive from index members through a
// key prefix argument: fine on one Redis server (the only deployment this app
// supports); a Redis Cluster would need hash tags.
//
// expireIndex keeps the index alive at least as long as its longest-lived
// session (every session's TTL is at most the one just written).
const expireIndex = `
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
`

// KEYS: session, index. ARGV: record, ttl ms, id, expiry (unix ms), now (unix
// ms), session key prefix. Index entries past their expiry whose key is gone
// leave the index (a key still there, e.g. under clock skew, keeps its entry).
const createSessionScript = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
` + expireIndex + `
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])) do
  if redis.call('EXISTS', ARGV[6] .. id) == 0 then redis.call('ZREM', KEYS[2], id) end
end
return 1
`

// KEYS: session, index. ARGV: record, ttl ms, id, expiry (unix ms).
const replaceSessionScript = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX') then return 0 end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
` + expireIndex + `
return 1
`

// KEYS: session, index. ARGV: id.
const deleteSessionScript = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`

// KEYS: index. ARGV: session key prefix, id to keep ("" for none).
const deleteUserSessionsScript = `
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[2] then
    n = n + redis.call('DEL', ARGV[1] .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
return n
`

// KEYS: index. ARGV: session key prefix. Returns id, record, id, record, ...
const listUserSessionsScript = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local rec = redis.call('GET', ARGV[1] .. id)
  if rec then
    out[#out + 1] = id
    out[#out + 1] = rec
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`

func (st *RedisSessionStore) sessionKey(id string) string { return st.prefix + sessionKey(id) }

func (st *RedisSessionStore) indexKey(userID int64) string {
	return st.prefix + "user-sessions:" + strconv.FormatInt(userID, 10)
}

func (st *RedisSessionStore) Get(ctx context.Context, id string) ([]byte, error) {
	return st.reads.get(ctx, st.sessionKey(id))
}

// mget reads a batch of session keys in one round trip.
func (st *RedisSessionStore) mget(ctx context.Context, keys []string) ([][]byte, error) {
	vals, err := st.conn.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(vals))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = []byte(s)
		} // nil: no such key
	}
	return out, nil
}

func (st *RedisSessionStore) Create(ctx context.Context, userID int64, id string, rec []byte, ttl time.Duration) error {
	now := time.Now()
	return st.create.Run(ctx, st.conn, []string{st.sessionKey(id), st.indexKey(userID)},
		rec, ttl.Milliseconds(), id, now.Add(ttl).UnixMilli(), now.UnixMilli(), st.sessionKey("")).Err()
}

func (st *RedisSessionStore) Replace(ctx context.Context, userID int64, id string, rec []byte, ttl time.Duration) (bool, error) {
	n, err := st.replace.Run(ctx, st.conn, []string{st.sessionKey(id), st.indexKey(userID)},
		rec, ttl.Milliseconds(), id, time.Now().Add(ttl).UnixMilli()).Int()
	return n == 1, err
}

func (st *RedisSessionStore) Delete(ctx context.Context, userID int64, id string) error {
	return st.remove.Run(ctx, st.conn, []string{st.sessionKey(id), st.indexKey(userID)}, id).Err()
}

func (st *RedisSessionStore) DeleteUser(ctx context.Context, userID int64, keepID string) (int, error) {
	return st.removeUser.Run(ctx, st.conn, []string{st.indexKey(userID)}, st.sessionKey(""), keepID).Int()
}

func (st *RedisSessionStore) ListUser(ctx context.Context, userID int64) (map[string][]byte, error) {
	flat, err := st.listUser.Run(ctx, st.conn, []string{st.indexKey(userID)}, st.sessionKey("")).StringSlice()
	if err != nil {
		return nil, err
	}
	if len(flat)%2 != 0 {
		return nil, errors.New("redis: odd session list")
	}
	out := make(map[string][]byte, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		out[flat[i]] = []byte(flat[i+1])
	}
	return out, nil
}
