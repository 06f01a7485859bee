package handlers

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// contentSecurityPolicy allows only the app's own scripts and styles; htmx is
// configured (htmx-config meta) to need neither inline styles nor eval.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func randomPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// assignRequestID gives each request an id for logs and the X-Request-Id header.
// A client-sent id is ignored: it would let anyone forge log correlation.
func (s *server) assignRequestID(c *fiber.Ctx) error {
	s.setRequestID(c)
	return c.Next()
}

func (s *server) setRequestID(c *fiber.Ctx) {
	rid := s.ridPrefix + "-" + strconv.FormatUint(s.requestID.Add(1), 36)
	c.Locals("requestid", rid)
	c.Set(fiber.HeaderXRequestID, rid)
}

func requestID(c *fiber.Ctx) string {
	rid, _ := c.Locals("requestid").(string)
	return rid
}

func (s *server) logPanic(c *fiber.Ctx, e any) {
	s.Log.Error("panic", "rid", requestID(c), "panic", e)
}

func (s *server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: CSRF defences on HTTPS look at the Referer.
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if c.Protocol() == "https" {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

// withRequestContext gives the request a deadline for its database and Redis
// calls. It derives from Background rather than the fasthttp context, which is
// cancelled as soon as a graceful shutdown starts and would fail in-flight work.
func (s *server) withRequestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.Config.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// cacheControl keeps pages that carry a session (signed in, or a form with a CSRF
// token) out of every cache, including the back/forward cache after logout.
func (s *server) cacheControl(c *fiber.Ctx) error {
	err := c.Next()
	if st := state(c); st.session != nil || st.hadCookie || st.guestToken != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return err
}

func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// redirect sends the browser to a local path: a 303 for plain forms, and for htmx
// an HX-Redirect (htmx ignores headers on 3xx, and an XHR would follow the
// redirect and paste the whole next page into a fragment).
func redirect(c *fiber.Ctx, to string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// requireUser sends a guest to the login page, remembering the page they asked for.
func (s *server) requireUser(c *fiber.Ctx) error {
	if state(c).session.SignedIn() {
		return c.Next()
	}
	return s.sendToLogin(c)
}

// sendToLogin redirects a guest to the login page. The page they asked for is
// remembered in their guest form cookie (not on the server), if it is one the
// app serves for GET.
func (s *server) sendToLogin(c *fiber.Ctx) error {
	if next, ok := requestedPage(c); ok {
		s.openGuestForm(c, next)
	}
	return redirect(c, "/login")
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
)

// verifyCSRF refuses a state-changing request that does not follow rule.
func (s *server) verifyCSRF(rule csrfRule) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !sameOrigin(c) {
			return s.refuseCSRF(c, "cross_site", "This request came from another site and was refused.")
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
			if g := s.guestForm(c); sameToken(sent, g.token) {
				st.guestToken = g.token
				return c.Next()
			}
			return s.refuseCSRF(c, "guest_token", "This form has expired. Please reload the page and try again.")
		case endsSession:
			if st.session == nil {
				return c.Next()
			}
		}
		if st.session == nil {
			if st.hadCookie && isHTMX(c) {
				// The session ended while the page was open: take the whole page to
				// the login form rather than paste it into a fragment. Nothing changed.
				c.Set("HX-Redirect", "/login")
			}
			return s.refuseCSRF(c, "no_session", "Your session has expired. Please reload the page and try again.")
		}
		return s.refuseCSRF(c, "session_token", "This form has expired. Please reload the page and try again.")
	}
}

// sameToken compares a sent token with the expected one in constant time; an
// empty expected token matches nothing.
func sameToken(sent, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

// refuseCSRF logs the refusal as a security event and answers 403.
func (s *server) refuseCSRF(c *fiber.Ctx, reason, message string) error {
	s.audit(c, "csrf.refused", slog.String("reason", reason), slog.String("method", c.Method()), slog.String("path", c.Path()))
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

// throttleSignup counts every sign-up attempt from the client IP. Over the
// limit, the form comes back with only the throttle message, the typed email kept.
func (s *server) throttleSignup(c *fiber.Ctx) error {
	err := s.Throttle.Signup(c.UserContext(), clientIP(c))
	if models.ErrorCode(err) == models.ETHROTTLED {
		s.auditThrottled(c, "signup", err)
		form := views.AuthForm{Email: c.FormValue("email"), Message: models.ErrorMessage(err)}
		return renderThrottled(c, err, views.SignupPage(s.page(c, "Sign up"), form))
	}
	if err != nil {
		return err
	}
	return c.Next()
}

// requireSchema answers 503 until the database has been migrated (it may have
// been down when the app started).
func (s *server) requireSchema(c *fiber.Ctx) error {
	if !s.SchemaReady() {
		return models.Unavailable("database schema", errSchemaNotReady)
	}
	return c.Next()
}

var errSchemaNotReady = errors.New("migrations not applied yet")
