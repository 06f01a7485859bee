package handlers

import (
	"crypto/subtle"
	"log/slog"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// csrfRule is what a state-changing route accepts as proof that the request
// comes from one of our own pages, on top of a same-origin check (Fetch Metadata
// / Origin) that every such route makes.
type csrfRule int

const (
	// sessionToken: a live session and its token, sent in X-CSRF-Token (htmx)
	// or the _csrf form field. Everything a signed-in user does.
	sessionToken csrfRule = iota
	// guestToken: a guest form's double-submit token (see guestForm), or a live
	// session's token. Log in and sign up.
	guestToken
	// endsSession: logout. A live session needs its token; without one there is
	// nothing left to protect, and a stale tab's "Log out" succeeds.
	endsSession
	// firstCartAdd: adding to a cart. A live session needs its token. A visitor
	// without one (a guest's first add, from a page the shared cache may have
	// served, which holds no token) needs a browser's same-origin request:
	// Sec-Fetch-Site or Origin present and ours. The handler then starts the
	// guest's session. A visitor with a session who sends no token at all
	// from a product card's plain form (cached, so without one) changes
	// nothing: the handler asks them to confirm with a form that carries it.
	firstCartAdd
)

// verifyCSRF refuses a state-changing request that does not follow rule.
func (w *web) verifyCSRF(rule csrfRule) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !sameOrigin(c) {
			return w.refuseCSRF(c, "cross_site", "This request came from another site and was refused.")
		}
		st := state(c)
		sent := c.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		if st.session != nil && sameToken(sent, st.session.CSRFToken) {
			return c.Next()
		}
		switch rule {
		case guestToken:
			if g := w.guestForm(c); sameToken(sent, g.token) {
				st.guestToken = g.token
				return c.Next()
			}
			return w.refuseCSRF(c, "guest_token", "This form has expired. Please reload the page and try again.")
		case endsSession:
			if st.session == nil {
				return c.Next()
			}
		case firstCartAdd:
			if st.session == nil {
				if c.Get("Sec-Fetch-Site") == "" && c.Get(fiber.HeaderOrigin) == "" {
					return w.refuseCSRF(c, "no_origin", "This request could not be checked. Please reload the page and try again.")
				}
				return c.Next()
			}
			if sent == "" && !isHTMX(c) && c.FormValue("from") == "card" {
				st.unconfirmedCartAdd = true
				return c.Next()
			}
		}
		if st.session == nil {
			if st.hadCookie && isHTMX(c) {
				// The session ended while the page was open: take the whole page to
				// the login form rather than paste it into a fragment. Nothing changed.
				c.Set("HX-Redirect", paths.Login)
			}
			return w.refuseCSRF(c, "no_session", "Your session has expired. Please reload the page and try again.")
		}
		return w.refuseCSRF(c, "session_token", "This form has expired. Please reload the page and try again.")
	}
}

// sameToken compares a sent token with the expected one in constant time; an
// empty expected token matches nothing.
func sameToken(sent, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

// refuseCSRF logs the refusal as a security event and answers 403.
func (w *web) refuseCSRF(c *fiber.Ctx, reason, message string) error {
	w.audit(c, "csrf.refused", slog.String("reason", reason), slog.String("method", c.Method()), slog.String("path", loggedPath(c.Path())))
	return forbidden(message)
}

func forbidden(message string) error {
	return &models.Error{Code: models.EFORBIDDEN, Message: message}
}

// sameOrigin applies the algorithm of Go's net/http CrossOriginProtection: trust
// Sec-Fetch-Site when the browser sends it, else compare Origin with Host; requests
// with neither header (non-browser clients) rely on the token alone.
func sameOrigin(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false // includes "null" from sandboxed frames and file: pages
	}
	return u.Host == string(c.Request().Host())
}
