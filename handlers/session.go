package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/storefront/storefront/services"
)

// cookieName is the session cookie. The __Host- prefix makes browsers refuse it
// unless it is Secure, host-only and Path=/, so a sibling subdomain cannot plant one.
func (s *server) cookieName() string {
	if s.Config.CookieSecure {
		return "__Host-sid"
	}
	return "sid"
}

// loadSession attaches the visitor's session, if the request carries a cookie for
// one. No cookie means no storage access at all: browsing guests cost nothing.
// A session is attached only while it lives and its user still exists; anything
// else is a guest (whose stale cookie is cleared).
func (s *server) loadSession(c *fiber.Ctx) error {
	st := state(c)
	id := c.Cookies(s.cookieName())
	if id == "" {
		return c.Next()
	}
	st.hadCookie = true
	sess, err := s.liveSession(c, id)
	if err != nil {
		return err // storage down: 503, never "logged out"
	}
	if sess == nil {
		s.clearSessionCookie(c) // a new id is issued only at login
		return c.Next()
	}
	st.session = sess
	return c.Next()
}

// liveSession loads the session, ends it if its user's account is gone, and
// touches it; nil means the visitor is signed out.
func (s *server) liveSession(c *fiber.Ctx, id string) (*services.Session, error) {
	ctx := c.UserContext()
	sess, err := s.Sessions.Load(ctx, id)
	if err != nil || sess == nil {
		return nil, err
	}
	exists, err := s.Accounts.UserExists(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, s.endSessionsOfGoneUser(c, sess)
	}
	alive, err := s.Sessions.Touch(ctx, sess)
	if err != nil || !alive {
		return nil, err // !alive: it ended (logout elsewhere) after it was loaded
	}
	return sess, nil
}

// endSessionsOfGoneUser ends every session of a user whose account no longer
// exists (deleted while signed in).
func (s *server) endSessionsOfGoneUser(c *fiber.Ctx, sess *services.Session) error {
	n, err := s.Sessions.DestroyAllForUser(c.UserContext(), sess.UserID, "")
	if err != nil {
		return err
	}
	s.audit(c, "session.ended", slog.String("reason", "user_gone"), slog.Int64("user_id", sess.UserID), slog.Int("sessions", n))
	return nil
}

// signOutGoneUser treats a request whose user's account vanished while it ran
// (services.ErrUserGone) as a guest's: the sessions end, the cookie is cleared
// and the visitor is sent to log in, as for any page that needs an account.
func (s *server) signOutGoneUser(c *fiber.Ctx) error {
	st := state(c)
	if err := s.endSessionsOfGoneUser(c, st.session); err != nil {
		return err
	}
	st.session = nil
	s.clearSessionCookie(c)
	return s.sendToLogin(c)
}

// setSessionCookie sends a browser-session cookie holding only the random id; the
// server enforces the idle and absolute limits.
func (s *server) setSessionCookie(c *fiber.Ctx, id string) {
	c.Cookie(&fiber.Cookie{
		Name:        s.cookieName(),
		Value:       id,
		Path:        "/",
		Secure:      s.Config.CookieSecure,
		HTTPOnly:    true,
		SameSite:    fiber.CookieSameSiteLaxMode,
		SessionOnly: true,
	})
}

// clearSessionCookie expires the cookie with the same attributes it was set with
// (browsers ignore a __Host- deletion that lacks Secure or Path=/).
func (s *server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     s.cookieName(),
		Value:    "",
		Path:     "/",
		Secure:   s.Config.CookieSecure,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
		Expires:  fasthttp.CookieExpireDelete,
	})
}

// Flash messages travel in a short-lived cookie rather than the session, so they
// work across logout (when there is no session) and cost guests no storage.
const flashCookie = "flash"

// flashText maps a flash key to its message. The cookie holds a key, never text,
// so a forged cookie cannot put words on the page; email is the signed-in user's.
func flashText(key, email string) string {
	switch key {
	case "signed_up":
		return "Welcome! Your seller account is ready."
	case "logged_in":
		return "You are logged in."
	case "logged_out":
		return "You are logged out."
	case "logged_out_everywhere":
		return "You are logged out on every device."
	case "product_created":
		return "Your product is live."
	case "signed_in_already":
		if email != "" {
			return "You're signed in as " + email + ". Log out to create another account."
		}
	}
	return ""
}

func (s *server) setFlash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: key, Path: "/", MaxAge: 60, Expires: time.Now().Add(time.Minute),
		Secure: s.Config.CookieSecure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// takeFlash returns the pending flash message and clears it.
func (s *server) takeFlash(c *fiber.Ctx) string {
	key := c.Cookies(flashCookie)
	if key == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: "", Path: "/", Expires: fasthttp.CookieExpireDelete,
		Secure: s.Config.CookieSecure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	var email string
	if sess := state(c).session; sess != nil {
		email = sess.Email
	}
	return flashText(key, email)
}
