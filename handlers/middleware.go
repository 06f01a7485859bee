package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
)

// edge is the middleware every request meets first, probes and assets
// included: its id, its client address (clientip.go) and its access-log line,
// which answers errors through the one error handler (requestlog.go). It is
// also Fiber's ErrorHandler, for requests refused before any middleware ran.
type edge struct {
	log       *slog.Logger
	proxies   proxyTrust
	ridPrefix string
	requestID atomic.Uint64
	errors    *errorHandler
	// csp is the Content-Security-Policy header (contentSecurityPolicy).
	csp string
}

// contentSecurityPolicy allows only the app's own scripts and styles; htmx is
// configured (htmx-config meta) to need neither inline styles nor eval.
// Pictures come from the app (/media/{key}) or, with BLOB_URL, from the S3
// server: imageOrigin ("" for none) is added to img-src.
func contentSecurityPolicy(imageOrigin string) string {
	img := "img-src 'self' data:"
	if imageOrigin != "" {
		img += " " + imageOrigin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; " + img + "; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

func randomPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// assignRequestID gives each request an id for logs and the X-Request-Id header.
// A client-sent id is ignored: it would let anyone forge log correlation.
func (e *edge) assignRequestID(c *fiber.Ctx) error {
	e.setRequestID(c)
	return c.Next()
}

func (e *edge) setRequestID(c *fiber.Ctx) {
	rid := e.ridPrefix + "-" + strconv.FormatUint(e.requestID.Add(1), 36)
	c.Locals("requestid", rid)
	c.Set(fiber.HeaderXRequestID, rid)
}

func requestID(c *fiber.Ctx) string {
	rid, _ := c.Locals("requestid").(string)
	return rid
}

func (e *edge) logPanic(c *fiber.Ctx, p any) {
	e.log.Error("panic", "rid", requestID(c), "panic", p)
}

func (e *edge) securityHeaders(c *fiber.Ctx) error {
	e.setSecurityHeaders(c)
	return c.Next()
}

func (e *edge) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", e.csp)
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

// cacheControl keeps pages that carry a session (signed in, or a form with a CSRF
// token) out of every cache, including the back/forward cache after logout.
func cacheControl(c *fiber.Ctx) error {
	err := c.Next()
	if st := state(c); st.session != nil || st.hadCookie || st.guestToken != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return err
}

// requireSchema answers 503 until the database has been migrated (it may have
// been down when the app started).
func requireSchema(ready func() bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !ready() {
			return models.Unavailable("database schema", errSchemaNotReady)
		}
		return c.Next()
	}
}

var errSchemaNotReady = errors.New("migrations not applied yet")
