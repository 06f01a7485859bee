package handlers

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
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

// guestForm reads the visitor's guest form cookie; anything malformed counts as
// none, and an after-login page that is not acceptable (any more) is dropped.
func (w *web) guestForm(c *fiber.Ctx) guestForm {
	token, next, _ := strings.Cut(c.Cookies(w.cookies.guest), ".")
	if !services.ValidToken(token) {
		return guestForm{}
	}
	g := guestForm{token: token}
	if raw, err := base64.RawURLEncoding.DecodeString(next); err == nil {
		g.next, _ = w.afterLoginPage(string(raw))
	}
	return g
}

// openGuestForm gives the visitor a guest form token (keeping the one they have,
// so that several open tabs all work) and remembers next as the after-login page
// if it is acceptable. The cookie is sent only when something changed.
func (w *web) openGuestForm(c *fiber.Ctx, next string) guestForm {
	g := w.guestForm(c)
	changed := false
	if g.token == "" {
		g.token, changed = services.NewToken(), true
	}
	if path, ok := w.afterLoginPage(next); ok && path != g.next {
		g.next, changed = path, true
	}
	if changed {
		w.setGuestCookie(c, g)
	}
	state(c).guestToken = g.token
	return g
}

// takeAfterLoginPage returns the remembered after-login page and forgets it
// (single use). The token stays: a sign-up form still open in another tab then
// gets "you are signed in" rather than "this form has expired".
func (w *web) takeAfterLoginPage(c *fiber.Ctx) string {
	g := w.guestForm(c)
	if g.next != "" {
		w.setGuestCookie(c, guestForm{token: g.token})
	}
	return g.next
}

func (w *web) setGuestCookie(c *fiber.Ctx, g guestForm) {
	value := g.token
	if g.next != "" {
		value += "." + base64.RawURLEncoding.EncodeToString([]byte(g.next))
	}
	c.Cookie(&fiber.Cookie{
		Name:        w.cookies.guest,
		Value:       value,
		Path:        "/",
		Secure:      w.cookieSecure,
		HTTPOnly:    true,
		SameSite:    fiber.CookieSameSiteLaxMode,
		SessionOnly: true,
	})
}

// afterLoginPage judges a page to return to after login: a safe local path
// (models.SafeLocalPath, the pure rule) that a GET route of this app serves. It
// is applied when the page is remembered and again when it is used.
func (w *web) afterLoginPage(raw string) (string, bool) {
	path, ok := models.SafeLocalPath(raw)
	if !ok {
		return "", false
	}
	u, err := url.Parse(path)
	if err != nil || !w.routes.match(fiber.MethodGet, u.Path) {
		return "", false
	}
	return path, true
}

// requireUser sends a guest to the login page, remembering the page they asked for.
func (w *web) requireUser(c *fiber.Ctx) error {
	if state(c).session.SignedIn() {
		return c.Next()
	}
	return w.sendToLogin(c)
}

// sendToLogin redirects a guest to the login page. The page they asked for is
// remembered in their guest form cookie (not on the server), if it is one the
// app serves for GET.
func (w *web) sendToLogin(c *fiber.Ctx) error {
	if next, ok := requestedPage(c); ok {
		w.openGuestForm(c, next)
	}
	return redirect(c, paths.Login)
}

// requestedPage is the page to return to after login: for a plain GET the
// request's own path and query (never Host or an absolute request target), for
// htmx the page the user is on, reduced to its path. Non-GET requests remember nothing.
func requestedPage(c *fiber.Ctx) (string, bool) {
	if c.Method() != fiber.MethodGet {
		return "", false
	}
	if isHTMX(c) {
		u, err := url.Parse(c.Get("HX-Current-URL"))
		if err != nil {
			return "", false
		}
		return u.RequestURI(), true
	}
	uri := c.Request().URI()
	path := string(uri.PathOriginal())
	if q := uri.QueryString(); len(q) > 0 {
		path += "?" + string(q)
	}
	return path, true
}
