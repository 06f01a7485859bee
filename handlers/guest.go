package handlers

import (
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// Guest forms (log in, sign up, later "forgot password") are protected against
// CSRF without storing anything on the server, so that no number of visitors
// opening them can fill the session store: the page puts a random token in a
// cookie and in the form (double submit), and the POST must bring both, equal,
// from a same-origin page (verifyCSRF checks Sec-Fetch-Site / Origin first). The
// same cookie carries the page to return to after login.
//
// The cookie is not signed, on purpose. A signature needs a key that every
// instance shares: a new required secret setting, or a key kept in Redis (one
// more read per form, and none on the embedded default). And it would buy
// nothing here: before login there is no session to bind a token to, so a signed
// token is worth exactly what anyone can fetch from GET /login. What keeps an
// attacker from planting a cookie is the __Host- prefix (Secure and host-only: no
// sibling subdomain and no plain-HTTP page can set it); what keeps them from
// posting across sites is the Fetch-Metadata/Origin check. The after-login page
// in the cookie is client-controlled like ?next= and is judged again when used.
type guestForm struct {
	token string // the double-submit token
	next  string // the page to return to after login ("" for the default)
}

// guestCookieName is __Host-guest on HTTPS, for the reasons above.
func (s *server) guestCookieName() string {
	if s.Config.CookieSecure {
		return "__Host-guest"
	}
	return "guest"
}

// guestForm reads the visitor's guest form cookie; anything malformed counts as
// none, and an after-login page that is not acceptable (any more) is dropped.
func (s *server) guestForm(c *fiber.Ctx) guestForm {
	token, next, _ := strings.Cut(c.Cookies(s.guestCookieName()), ".")
	if !services.ValidToken(token) {
		return guestForm{}
	}
	g := guestForm{token: token}
	if raw, err := base64.RawURLEncoding.DecodeString(next); err == nil {
		g.next, _ = s.afterLoginPage(string(raw))
	}
	return g
}

// openGuestForm gives the visitor a guest form token (keeping the one they have,
// so that several open tabs all work) and remembers next as the after-login page
// if it is acceptable. The cookie is sent only when something changed.
func (s *server) openGuestForm(c *fiber.Ctx, next string) guestForm {
	g := s.guestForm(c)
	changed := false
	if g.token == "" {
		g.token, changed = services.NewToken(), true
	}
	if path, ok := s.afterLoginPage(next); ok && path != g.next {
		g.next, changed = path, true
	}
	if changed {
		s.setGuestCookie(c, g)
	}
	state(c).guestToken = g.token
	return g
}

// takeAfterLoginPage returns the remembered after-login page and forgets it
// (single use). The token stays: a sign-up form still open in another tab then
// gets "you are signed in" rather than "this form has expired".
func (s *server) takeAfterLoginPage(c *fiber.Ctx) string {
	g := s.guestForm(c)
	if g.next != "" {
		s.setGuestCookie(c, guestForm{token: g.token})
	}
	return g.next
}

func (s *server) setGuestCookie(c *fiber.Ctx, g guestForm) {
	value := g.token
	if g.next != "" {
		value += "." + base64.RawURLEncoding.EncodeToString([]byte(g.next))
	}
	c.Cookie(&fiber.Cookie{
		Name:        s.guestCookieName(),
		Value:       value,
		Path:        "/",
		Secure:      s.Config.CookieSecure,
		HTTPOnly:    true,
		SameSite:    fiber.CookieSameSiteLaxMode,
		SessionOnly: true,
	})
}
