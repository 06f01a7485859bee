package services

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/storefront/storefront/models"
)

// tokenBytes gives 256-bit session ids and CSRF tokens (ASVS asks for at least
// 128 bits).
const tokenBytes = 32

// Session is the server-side state of a signed-in visitor. The cookie carries
// only the random ID. Guests have no session (their forms carry a token in a
// cookie of their own, and nothing is stored for them) until they put something
// in a cart: then StartGuest gives them one that holds only the cart's token.
type Session struct {
	ID     string `json:"-"`
	UserID int64  `json:"uid"`
	// Email is kept so the nav can name the user without a database query per page.
	Email string `json:"email"`
	// CSRFToken is the synchronizer token every state-changing request must echo.
	CSRFToken string `json:"csrf"`
	// CreatedAt (unix seconds) bounds the absolute lifetime; LastSeen the idle time.
	CreatedAt int64 `json:"created"`
	LastSeen  int64 `json:"seen"`
	// UserAgent (shortened) and Network (the client's /24 or /48, never the whole
	// address) describe the sign-in for the user's list of sessions.
	UserAgent string `json:"ua,omitempty"`
	Network   string `json:"net,omitempty"`
	// CartToken names a guest's cart (Carts, models.CartOwner.GuestToken): a
	// random token, only in guest sessions. At login the guest cart is merged
	// into the user's (Carts.MergeGuestCart) and the new session has none.
	CartToken string `json:"cart,omitempty"`
}

// SignedIn reports whether the session belongs to a logged-in user.
func (s *Session) SignedIn() bool { return s != nil && s.UserID != 0 }

// Ref is a stable handle for the session that can be shown and posted back
// (e.g. "end this session") without revealing its ID.
func (s *Session) Ref() string { return sessionRef(s.ID) }

func sessionRef(id string) string {
	sum := sha256.Sum256([]byte("session-ref:" + id))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// ClientInfo is where a sign-in comes from, as the handler sees it.
type ClientInfo struct {
	UserAgent string
	IP        string
}

// SessionInfo describes one of a user's live sessions, for a sessions list.
type SessionInfo struct {
	Ref       string
	CreatedAt time.Time
	LastSeen  time.Time
	UserAgent string
	Network   string
}

// Sessions keeps signed-in sessions in a SessionStore (Redis in production)
// with an idle timeout and an absolute lifetime, indexed by user.
type Sessions struct {
	store       SessionStore
	idleTimeout time.Duration
	maxLifetime time.Duration
	now         func() time.Time
	decoded     *decodedSessions
}

// NewSessions returns the session service. idleTimeout ends a session after that
// long without a request; maxLifetime ends it that long after it started, however busy.
func NewSessions(store SessionStore, idleTimeout, maxLifetime time.Duration) *Sessions {
	return &Sessions{store: store, idleTimeout: idleTimeout, maxLifetime: maxLifetime, now: time.Now, decoded: newDecodedSessions()}
}

// SignIn ends the old session (if any) and starts a new one for the user, with a
// new ID and a new CSRF token, so an ID or token known before login is worthless
// after it.
func (s *Sessions) SignIn(ctx context.Context, old *Session, userID int64, email string, client ClientInfo) (*Session, error) {
	if err := s.Destroy(ctx, old); err != nil {
		return nil, err
	}
	now := s.now()
	sess := &Session{
		ID: NewToken(), UserID: userID, Email: email, CSRFToken: NewToken(),
		CreatedAt: now.Unix(), LastSeen: now.Unix(),
		UserAgent: printable(client.UserAgent, maxUserAgent), Network: models.CoarseIP(client.IP),
	}
	raw, err := json.Marshal(sess)
	if err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, userID, sess.ID, raw, s.ttl(sess, now)); err != nil {
		return nil, unavailable("sessions: create", err)
	}
	return sess, nil
}

// StartGuest starts a session for a guest who puts something in a cart: user
// 0, a CSRF token and a new CartToken. It lives by the same idle timeout and
// absolute lifetime as any session; SignIn replaces it.
func (s *Sessions) StartGuest(ctx context.Context, client ClientInfo) (*Session, error) {
	now := s.now()
	sess := &Session{
		ID: NewToken(), CSRFToken: NewToken(), CartToken: NewToken(), CreatedAt: now.Unix(), LastSeen: now.Unix(),
		UserAgent: printable(client.UserAgent, maxUserAgent), Network: models.CoarseIP(client.IP),
	}
	raw, err := json.Marshal(sess)
	if err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, 0, sess.ID, raw, s.ttl(sess, now)); err != nil {
		return nil, unavailable("sessions: create guest", err)
	}
	return sess, nil
}

// Load returns the session with the given ID, or nil when there is none: unknown,
// expired and malformed IDs are all "no session", so a client-made ID is never
// adopted. An error means the storage failed (EUNAVAILABLE).
func (s *Sessions) Load(ctx context.Context, id string) (*Session, error) {
	if !ValidToken(id) {
		return nil, nil
	}
	raw, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, unavailable("sessions: load", err)
	}
	sess := s.decode(id, raw)
	if sess == nil {
		return nil, nil
	}
	if s.expired(sess) {
		// Storage TTLs normally remove it first; this covers clock steps and an
		// absolute limit that the sliding TTL alone cannot enforce.
		return nil, s.Destroy(ctx, sess)
	}
	return sess, nil
}

// decode returns the stored session, or nil for anything that is neither a
// signed-in session nor a guest's cart session (a guest pre-session an older
// version stored has no cart token).
func (s *Sessions) decode(id string, raw []byte) *Session {
	if raw == nil {
		return nil
	}
	sess, ok := s.decoded.decode(id, raw)
	if !ok || sess.CSRFToken == "" || (sess.UserID == 0 && !ValidToken(sess.CartToken)) {
		return nil
	}
	return sess
}

func (s *Sessions) expired(sess *Session) bool {
	return s.ttl(sess, s.now()) <= 0 || s.now().Sub(time.Unix(sess.LastSeen, 0)) > s.idleTimeout
}

// ttl is how long the session may live from now without another request: the
// idle timeout, or what is left of its absolute lifetime if that is shorter.
func (s *Sessions) ttl(sess *Session, now time.Time) time.Duration {
	return min(s.idleTimeout, time.Unix(sess.CreatedAt, 0).Add(s.maxLifetime).Sub(now))
}

// Touch extends the idle timeout of a session that is in use. It writes at most
// once per touchInterval, so a busy signed-in user costs a storage write per
// minute rather than per request. It never writes a session back that ended
// after it was loaded (logout in another tab, "sign out everywhere"), and
// reports false then: the request is to be treated as signed out.
func (s *Sessions) Touch(ctx context.Context, sess *Session) (bool, error) {
	now := s.now()
	if now.Sub(time.Unix(sess.LastSeen, 0)) < s.touchInterval() {
		return true, nil
	}
	ttl := s.ttl(sess, now)
	if ttl <= 0 {
		return false, s.Destroy(ctx, sess)
	}
	touched := *sess
	touched.LastSeen = now.Unix()
	raw, err := json.Marshal(&touched)
	if err != nil {
		return false, err
	}
	alive, err := s.store.Replace(ctx, sess.UserID, sess.ID, raw, ttl)
	if err != nil {
		return false, unavailable("sessions: touch", err)
	}
	if alive {
		sess.LastSeen = touched.LastSeen
	}
	return alive, nil
}

func (s *Sessions) touchInterval() time.Duration {
	return min(time.Minute, s.idleTimeout/10)
}

// Destroy ends the session (nil is no session: nothing to do).
func (s *Sessions) Destroy(ctx context.Context, sess *Session) error {
	if sess == nil || !ValidToken(sess.ID) {
		return nil
	}
	if err := s.store.Delete(ctx, sess.UserID, sess.ID); err != nil {
		return unavailable("sessions: destroy", err)
	}
	return nil
}

// DestroyAllForUser ends every session of the user except the one with ID
// exceptID ("" ends them all), on every instance at once, and returns how many
// it ended. It serves "sign out everywhere", "password changed: end every other
// session" and accounts that no longer exist.
func (s *Sessions) DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error) {
	n, err := s.store.DeleteUser(ctx, userID, exceptID)
	if err != nil {
		return 0, unavailable("sessions: destroy all for user", err)
	}
	return n, nil
}

// ListForUser returns the user's live sessions, most recently seen first.
func (s *Sessions) ListForUser(ctx context.Context, userID int64) ([]SessionInfo, error) {
	recs, err := s.store.ListUser(ctx, userID)
	if err != nil {
		return nil, unavailable("sessions: list for user", err)
	}
	out := make([]SessionInfo, 0, len(recs))
	for id, raw := range recs {
		sess := s.decode(id, raw)
		if sess == nil || sess.UserID != userID || s.expired(sess) {
			continue
		}
		out = append(out, SessionInfo{
			Ref: sess.Ref(), CreatedAt: time.Unix(sess.CreatedAt, 0), LastSeen: time.Unix(sess.LastSeen, 0),
			UserAgent: sess.UserAgent, Network: sess.Network,
		})
	}
	slices.SortFunc(out, func(a, b SessionInfo) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), b.CreatedAt.Compare(a.CreatedAt), strings.Compare(a.Ref, b.Ref))
	})
	return out, nil
}

// DestroyByRef ends the user's session whose handle (Session.Ref) is ref, on
// every instance at once, and reports whether there was one: a handle of
// another user's session, or of one that already ended, ends nothing.
func (s *Sessions) DestroyByRef(ctx context.Context, userID int64, ref string) (bool, error) {
	recs, err := s.store.ListUser(ctx, userID)
	if err != nil {
		return false, unavailable("sessions: list for user", err)
	}
	for id := range recs {
		if sessionRef(id) == ref {
			return true, s.Destroy(ctx, &Session{ID: id, UserID: userID})
		}
	}
	return false, nil
}

// SetEmail writes the user's new address into each of their live sessions, for
// the nav, keeping each session's expiry. A session that ends meanwhile stays
// ended (Replace never creates one).
func (s *Sessions) SetEmail(ctx context.Context, userID int64, email string) error {
	recs, err := s.store.ListUser(ctx, userID)
	if err != nil {
		return unavailable("sessions: list for user", err)
	}
	now := s.now()
	for id, raw := range recs {
		sess := s.decode(id, raw)
		if sess == nil || sess.UserID != userID || s.expired(sess) || sess.Email == email {
			continue
		}
		sess.Email = email
		rec, err := json.Marshal(sess)
		if err != nil {
			return err
		}
		if _, err := s.store.Replace(ctx, userID, id, rec, s.ttl(sess, now)); err != nil {
			return unavailable("sessions: set email", err)
		}
	}
	return nil
}

func sessionKey(id string) string { return "session:" + id }

// NewToken returns 256 random bits, base64url-encoded (43 characters): session
// ids, CSRF tokens and guest form tokens.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidToken accepts only strings NewToken could have produced.
func ValidToken(s string) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
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

// maxUserAgent bounds the User-Agent kept with a session: enough to tell a
// browser and a platform apart, and no way to make a session record large.
const maxUserAgent = 160

// printable returns s without control or invalid characters, cut to at most max runes.
func printable(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "") {
		if n == max {
			break
		}
		if !unicode.IsPrint(r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
