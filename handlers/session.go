package handlers

import (
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
func (s *server) loadSession(c *fiber.Ctx) error {
	st := state(c)
	id := c.Cookies(s.cookieName())
	if id == "" {
		return c.Next()
	}
	st.hadCookie = true
	sess, err := s.Sessions.Load(c.UserContext(), id)
	if err != nil {
		return err // storage down: 503, never "logged out"
	}
	if sess == nil {
		s.clearSessionCookie(c) // stale cookie; a new id is issued only when needed
		return c.Next()
	}
	st.session = sess
	if err := s.Sessions.Touch(c.UserContext(), sess); err != nil {
		return err
	}
	return c.Next()
}

// prepareLogin makes sure the visitor has a session (a guest's pre-session holds
// the login form's CSRF token) and remembers next as the after-login page if it is
// a safe local path. It writes the session at most once, and only if it changed.
func (s *server) prepareLogin(c *fiber.Ctx, next string) error {
	st := state(c)
	sess, fresh := st.session, st.session == nil
	if fresh {
		sess = s.Sessions.New()
	}
	remembered := next != "" && sess.RememberAfterLogin(next)
	if !fresh && !remembered {
		return nil
	}
	if err := s.saveSession(c, sess); err != nil {
		return err
	}
	st.session = sess
	return nil
}

// saveSession stores the session and (re)sends its cookie.
func (s *server) saveSession(c *fiber.Ctx, sess *services.Session) error {
	if err := s.Sessions.Save(c.UserContext(), sess); err != nil {
		return err
	}
	s.setSessionCookie(c, sess.ID)
	return nil
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
// so a forged cookie cannot put words on the page.
func flashText(key string) string {
	switch key {
	case "signed_up":
		return "Welcome! Your seller account is ready."
	case "logged_in":
		return "You are logged in."
	case "logged_out":
		return "You are logged out."
	case "product_created":
		return "Your product is live."
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
	return flashText(key)
}
