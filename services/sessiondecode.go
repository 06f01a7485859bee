package services

import (
	"encoding/json"
	"sync"
)

// Every signed-in request loads its session from the store and decodes its
// JSON; the decode (encoding/json's reflection) was 8 % of the app's CPU for
// an add to the cart, more than the store's batched read. A session's stored
// bytes change only when it is written (sign-in, a touch at most once a minute,
// an email change), so the same bytes come back request after request: they
// are decoded once and the result is kept, keyed by the bytes themselves. The
// store is still read on every request, so a logout or expiry elsewhere is seen
// at once; only the parsing of bytes already seen is skipped.

// decodedSessionsMax bounds the kept sessions (a few hundred bytes each): more
// than the sessions one instance serves within a minute in a small shop. When
// full, an arbitrary entry makes room: a busy session comes back at its next
// request.
const decodedSessionsMax = 4096

// decodedSessions maps a session's stored bytes to their decoded value.
type decodedSessions struct {
	mu      sync.Mutex
	byBytes map[string]Session
}

func newDecodedSessions() *decodedSessions {
	return &decodedSessions{byBytes: make(map[string]Session)}
}

// decode returns the session stored as raw under id, with ok false when raw is
// not a session's JSON. The caller gets its own copy to change.
func (d *decodedSessions) decode(id string, raw []byte) (sess *Session, ok bool) {
	d.mu.Lock()
	kept, found := d.byBytes[string(raw)] // no copy of raw: the compiler looks up in place
	d.mu.Unlock()
	if !found {
		if err := json.Unmarshal(raw, &kept); err != nil {
			return nil, false
		}
		kept.ID = ""
		d.mu.Lock()
		if len(d.byBytes) >= decodedSessionsMax {
			for k := range d.byBytes {
				delete(d.byBytes, k)
				break
			}
		}
		d.byBytes[string(raw)] = kept
		d.mu.Unlock()
	}
	kept.ID = id
	return &kept, true
}
