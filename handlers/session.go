package handlers

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
)

// sessionKeeper is what the session middleware asks of services.Sessions.
type sessionKeeper interface {
	Load(ctx context.Context, id string) (*services.Session, error)
	Touch(ctx context.Context, sess *services.Session) (bool, error)
	DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error)
}

// userChecker is what the session middleware asks of services.Accounts: with
// one batched query, whether the user still exists and what their cart holds
// (the nav's count, so that a page costs no second query for it).
type userChecker interface {
	SignedInUser(ctx context.Context, id int64) (services.SignedInUser, error)
	// SignedInUserWithCart also reads the cart's version (the cart page's
	// cache key), at a cost only the cart page pays.
	SignedInUserWithCart(ctx context.Context, id int64) (services.SignedInUser, error)
}

// sessionMiddleware attaches the visitor's session to the request, and signs
// out a visitor whose account no longer exists.
type sessionMiddleware struct {
	*web
	sessions sessionKeeper
	users    userChecker
}

// load attaches the visitor's session, if the request carries a cookie for
// one. No cookie means no storage access at all: browsing guests cost nothing.
// A session is attached only while it lives and its user still exists; anything
// else is a guest (whose stale cookie is cleared).
func (m *sessionMiddleware) load(c *fiber.Ctx) error {
	st := state(c)
	id := c.Cookies(m.cookies.session)
	if id == "" {
		return c.Next()
	}
	st.hadCookie = true
	sess, err := m.liveSession(c, id)
	if err != nil {
		return err // storage down: 503, never "logged out"
	}
	if sess == nil {
		m.clearSessionCookie(c) // a new id is issued only at login
		return c.Next()
	}
	st.session = sess
	return c.Next()
}

// liveSession loads the session, ends it if its user's account is gone, and
// touches it; nil means the visitor is signed out.
func (m *sessionMiddleware) liveSession(c *fiber.Ctx, id string) (*services.Session, error) {
	ctx := c.UserContext()
	sess, err := m.sessions.Load(ctx, id)
	if err != nil || sess == nil {
		return nil, err
	}
	if sess.SignedIn() { // a guest's cart session has no account to check
		check, cartPage := m.users.SignedInUser, isCartPage(c)
		if cartPage {
			check = m.users.SignedInUserWithCart
		}
		user, err := check(ctx, sess.UserID)
		if err != nil {
			return nil, err
		}
		if !user.Exists {
			return nil, m.endSessionsOfGoneUser(c, sess)
		}
		st := state(c)
		st.userCartItems, st.userCartKnown = user.CartItems, true
		st.userCart, st.userCartVersioned = user.Cart, cartPage
		st.userDashboardVersion = user.DashboardVersion
	}
	alive, err := m.sessions.Touch(ctx, sess)
	if err != nil || !alive {
		return nil, err // !alive: it ended (logout elsewhere) after it was loaded
	}
	return sess, nil
}

// endSessionsOfGoneUser ends every session of a user whose account no longer
// exists (deleted while signed in).
func (m *sessionMiddleware) endSessionsOfGoneUser(c *fiber.Ctx, sess *services.Session) error {
	n, err := m.sessions.DestroyAllForUser(c.UserContext(), sess.UserID, "")
	if err != nil {
		return err
	}
	m.audit(c, "session.ended", slog.String("reason", "user_gone"), slog.Int64("user_id", sess.UserID), slog.Int("sessions", n))
	return nil
}

// signOutGoneUser treats a request whose user's account vanished while it ran
// (services.ErrUserGone) as a guest's: the sessions end, the cookie is cleared
// and the visitor is sent to log in, as for any page that needs an account.
func (m *sessionMiddleware) signOutGoneUser(c *fiber.Ctx) error {
	st := state(c)
	if err := m.endSessionsOfGoneUser(c, st.session); err != nil {
		return err
	}
	st.session = nil
	m.clearSessionCookie(c)
	return m.sendToLogin(c)
}

// isCartPage reports whether the request asks for the cart page, whose user
// check also reads the cart's version.
func isCartPage(c *fiber.Ctx) bool {
	return (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && c.Path() == paths.Cart
}
