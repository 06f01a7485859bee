package services

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/storefront/storefront/models"
)

// sessionIDBytes gives 256-bit session ids (ASVS asks for at least 128 bits).
const sessionIDBytes = 32

// Session is the server-side state behind a session cookie. The cookie carries
// only the random ID.
type Session struct {
	ID string `json:"-"`
	// UserID is 0 for a guest's pre-session (which exists only to hold a CSRF token
	// and the after-login page).
	UserID int64 `json:"uid,omitempty"`
	// Email is kept so the nav can name the user without a database query per page.
	Email string `json:"email,omitempty"`
	// CSRFToken is the synchronizer token every state-changing request must echo.
	CSRFToken string `json:"csrf"`
	// AfterLogin is the local page to return to after logging in (single use).
	AfterLogin string `json:"next,omitempty"`
	// CreatedAt (unix seconds) bounds the absolute lifetime; LastSeen the idle time.
	CreatedAt int64 `json:"created"`
	LastSeen  int64 `json:"seen"`
}

// SignedIn reports whether the session belongs to a logged-in user.
func (s *Session) SignedIn() bool { return s != nil && s.UserID != 0 }

// Sessions stores sessions in a KV (Redis in production) with an idle timeout and
// an absolute lifetime.
type Sessions struct {
	kv          KV
	idleTimeout time.Duration
	maxLifetime time.Duration
	now         func() time.Time
}

// NewSessions returns a session store. idleTimeout ends a session after that long
// without a request; maxLifetime ends it that long after it started, however busy.
func NewSessions(kv KV, idleTimeout, maxLifetime time.Duration) *Sessions {
	return &Sessions{kv: kv, idleTimeout: idleTimeout, maxLifetime: maxLifetime, now: time.Now}
}

// New returns a fresh, unsaved session with a new random ID and CSRF token.
func (s *Sessions) New() *Session {
	now := s.now().Unix()
	return &Session{ID: randomToken(), CSRFToken: randomToken(), CreatedAt: now, LastSeen: now}
}

// Load returns the session with the given ID, or nil when there is none: unknown,
// expired and malformed IDs are all "no session", so a client-made ID is never
// adopted. An error means the storage failed (EUNAVAILABLE).
func (s *Sessions) Load(ctx context.Context, id string) (*Session, error) {
	if !validToken(id) {
		return nil, nil
	}
	raw, err := s.kv.GetWithContext(ctx, sessionKey(id))
	if err != nil {
		return nil, unavailable("sessions: load", err)
	}
	if raw == nil {
		return nil, nil
	}
	sess := new(Session)
	if err := json.Unmarshal(raw, sess); err != nil || sess.CSRFToken == "" {
		return nil, nil
	}
	sess.ID = id
	if s.expired(sess) {
		// Storage TTLs normally remove it first; this covers clock steps and an
		// absolute limit that the sliding TTL alone cannot enforce.
		if err := s.kv.DeleteWithContext(ctx, sessionKey(id)); err != nil {
			return nil, unavailable("sessions: delete expired", err)
		}
		return nil, nil
	}
	return sess, nil
}

func (s *Sessions) expired(sess *Session) bool {
	now := s.now()
	return now.Sub(time.Unix(sess.LastSeen, 0)) > s.idleTimeout ||
		now.Sub(time.Unix(sess.CreatedAt, 0)) > s.maxLifetime
}

// Save stores the session, marking it seen now. Its storage TTL is the shorter of
// the idle timeout and what is left of its absolute lifetime.
func (s *Sessions) Save(ctx context.Context, sess *Session) error {
	now := s.now()
	sess.LastSeen = now.Unix()
	ttl := min(s.idleTimeout, time.Unix(sess.CreatedAt, 0).Add(s.maxLifetime).Sub(now))
	if ttl <= 0 {
		return s.Destroy(ctx, sess.ID)
	}
	raw, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	if err := s.kv.SetWithContext(ctx, sessionKey(sess.ID), raw, ttl); err != nil {
		return unavailable("sessions: save", err)
	}
	return nil
}

// Touch extends the idle timeout of an active session. It writes at most once per
// touchInterval, so a busy signed-in user costs a storage write per minute rather
// than per request.
func (s *Sessions) Touch(ctx context.Context, sess *Session) error {
	if s.now().Sub(time.Unix(sess.LastSeen, 0)) < s.touchInterval() {
		return nil
	}
	return s.Save(ctx, sess)
}

func (s *Sessions) touchInterval() time.Duration {
	return min(time.Minute, s.idleTimeout/10)
}

// SignIn ends the old session (if any) and starts a new one for the user, with a
// new ID and a new CSRF token, so an ID or token known before login is worthless
// after it. It returns the new session and the old session's after-login page.
func (s *Sessions) SignIn(ctx context.Context, old *Session, userID int64, email string) (*Session, string, error) {
	var next string
	if old != nil {
		next, _ = models.SafeLocalPath(old.AfterLogin) // judged again on use, not only when stored
		if err := s.Destroy(ctx, old.ID); err != nil {
			return nil, "", err
		}
	}
	sess := s.New()
	sess.UserID, sess.Email = userID, email
	if err := s.Save(ctx, sess); err != nil {
		return nil, "", err
	}
	return sess, next, nil
}

// RememberAfterLogin stores raw as the page to return to after login if it is a
// safe local path, and reports whether it was kept.
func (sess *Session) RememberAfterLogin(raw string) bool {
	path, ok := models.SafeLocalPath(raw)
	if ok {
		sess.AfterLogin = path
	}
	return ok
}

// Destroy deletes the session from storage.
func (s *Sessions) Destroy(ctx context.Context, id string) error {
	if !validToken(id) {
		return nil
	}
	if err := s.kv.DeleteWithContext(ctx, sessionKey(id)); err != nil {
		return unavailable("sessions: destroy", err)
	}
	return nil
}

func sessionKey(id string) string { return "session:" + id }

// randomToken returns 256 random bits, base64url-encoded (43 characters).
func randomToken() string {
	b := make([]byte, sessionIDBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validToken accepts only strings randomToken could have produced.
func validToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(sessionIDBytes) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
