package services

import (
	"context"
	"sync"
	"time"
)

// SessionStore keeps signed-in sessions, each under its id and in an index of
// its user's sessions, so that "sign out everywhere", a sessions list and "end
// every other session" are one call. RedisSessionStore (over
// github.com/gofiber/storage/redis/v3) serves production and shares sessions
// between instances; MemorySessionStore is the embedded default. Records are
// opaque bytes; a missing record is (nil, nil); any error means the storage
// itself failed.
type SessionStore interface {
	// Get returns the record stored under id, or nil.
	Get(ctx context.Context, id string) ([]byte, error)
	// Create stores a new record that expires after ttl and adds it to userID's index.
	Create(ctx context.Context, userID int64, id string, rec []byte, ttl time.Duration) error
	// Replace rewrites an existing record with a new expiry and reports whether
	// it existed. It never creates one: a session ended meanwhile (logout, "sign
	// out everywhere") stays ended.
	Replace(ctx context.Context, userID int64, id string, rec []byte, ttl time.Duration) (bool, error)
	// Delete removes the record and its index entry.
	Delete(ctx context.Context, userID int64, id string) error
	// DeleteUser removes every session of userID except keepID ("" keeps none)
	// and returns how many there were.
	DeleteUser(ctx context.Context, userID int64, keepID string) (int, error)
	// ListUser returns the user's live records by id; index entries of records
	// that expired leave the index.
	ListUser(ctx context.Context, userID int64) (map[string][]byte, error)
}

// MemorySessionStore is an in-process SessionStore for running without Redis.
// Sessions in it end when the process does, and it is not shared between
// instances. Besides signed-in sessions (bounded by successful logins, which the
// password hash and the login throttle limit) it keeps guests' cart sessions
// (user 0, Sessions.StartGuest), which expire with the idle timeout and are
// swept as they do.
type MemorySessionStore struct {
	mu      sync.Mutex
	records map[string]memoryRecord
	users   map[int64]map[string]struct{} // the per-user index
	writes  int
	now     func() time.Time
}

type memoryRecord struct {
	userID  int64
	val     []byte
	expires time.Time
}

// NewMemorySessionStore returns an empty in-memory store.
func NewMemorySessionStore() *MemorySessionStore {
	return &MemorySessionStore{records: map[string]memoryRecord{}, users: map[int64]map[string]struct{}{}, now: time.Now}
}

func (m *MemorySessionStore) Get(_ context.Context, id string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.liveLocked(id)
	if !ok {
		return nil, nil
	}
	return append([]byte(nil), r.val...), nil
}

func (m *MemorySessionStore) Create(_ context.Context, userID int64, id string, rec []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweepLocked()
	m.records[id] = memoryRecord{userID: userID, val: append([]byte(nil), rec...), expires: m.now().Add(ttl)}
	ids := m.users[userID]
	if ids == nil {
		ids = map[string]struct{}{}
		m.users[userID] = ids
	}
	ids[id] = struct{}{}
	return nil
}

func (m *MemorySessionStore) Replace(_ context.Context, _ int64, id string, rec []byte, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.liveLocked(id)
	if !ok {
		return false, nil
	}
	r.val, r.expires = append([]byte(nil), rec...), m.now().Add(ttl)
	m.records[id] = r
	return true, nil
}

func (m *MemorySessionStore) Delete(_ context.Context, _ int64, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleteLocked(id)
	return nil
}

func (m *MemorySessionStore) DeleteUser(_ context.Context, userID int64, keepID string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id := range m.users[userID] {
		if id == keepID {
			continue
		}
		if _, ok := m.liveLocked(id); ok {
			n++
		}
		m.deleteLocked(id)
	}
	return n, nil
}

func (m *MemorySessionStore) ListUser(_ context.Context, userID int64) (map[string][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]byte{}
	for id := range m.users[userID] {
		if r, ok := m.liveLocked(id); ok {
			out[id] = append([]byte(nil), r.val...)
		}
	}
	return out, nil
}

// liveLocked returns the record of id if it has not expired; an expired one is
// removed, index entry and all.
func (m *MemorySessionStore) liveLocked(id string) (memoryRecord, bool) {
	r, ok := m.records[id]
	if !ok {
		return memoryRecord{}, false
	}
	if !m.now().Before(r.expires) {
		m.deleteLocked(id)
		return memoryRecord{}, false
	}
	return r, true
}

func (m *MemorySessionStore) deleteLocked(id string) {
	r, ok := m.records[id]
	if !ok {
		return
	}
	delete(m.records, id)
	if ids := m.users[r.userID]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(m.users, r.userID)
		}
	}
}

// sweepLocked drops expired records every 1024 writes, so abandoned sessions do
// not accumulate for ever; amortised over writes, it needs no goroutine.
func (m *MemorySessionStore) sweepLocked() {
	m.writes++
	if m.writes%1024 != 0 {
		return
	}
	now := m.now()
	for id, r := range m.records {
		if !now.Before(r.expires) {
			m.deleteLocked(id)
		}
	}
}
