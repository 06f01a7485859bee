package handlers

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/paths"
)

// logRequest logs one line per request. It runs the error handler itself so the
// logged status is the one the client gets.
func (e *edge) logRequest(c *fiber.Ctx) error {
	start := time.Now()
	level := requestLogLevel(c.Path())
	logged := e.log.Enabled(context.Background(), level) // e.g. LOG_LEVEL=warn: skip building the fields too
	var query string
	if logged {
		// Read before the handlers: once anything calls Request.RequestURI,
		// fasthttp rebuilds the query from its parsed arguments (decoding names,
		// folding what follows a ';' into a value), and the log must show what came.
		query = string(c.Request().URI().QueryString())
	}
	if err := c.Next(); err != nil {
		e.errors.respond(c, err)
	}
	if logged {
		e.logRequestLine(c, level, query, time.Since(start))
	}
	return nil
}

// handleUnloggedError is Fiber's ErrorHandler. The errors that reach it passed
// no logRequest: fasthttp refuses some requests before any handler runs (a body
// over the limit: 413; headers over the read buffer: 431; too slow: 408;
// malformed: 400), and a panic unwinds past logRequest to the recover
// middleware. They get the same page, headers and log line as any other request.
func (e *edge) handleUnloggedError(c *fiber.Ctx, err error) error {
	if requestID(c) == "" { // refused by fasthttp: no middleware has run
		e.setRequestID(c)
		e.setSecurityHeaders(c)
	}
	e.errors.respond(c, err)
	if level := requestLogLevel(c.Path()); e.log.Enabled(context.Background(), level) {
		e.logRequestLine(c, level, string(c.Request().URI().QueryString()), 0)
	}
	return nil
}

// logRequestLine writes the access-log line: the request id, method, path, query
// (redacted and capped, see loggedQuery), status and duration (0: unknown).
func (e *edge) logRequestLine(c *fiber.Ctx, level slog.Level, query string, duration time.Duration) {
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs, slog.String("rid", requestID(c)))
	// A request refused while its headers were read has no method or path yet
	// (fasthttp would report GET /).
	if len(c.Request().Header.RawHeaders()) > 0 {
		attrs = append(attrs, slog.String("method", c.Method()), slog.String("path", loggedPath(c.Path())))
		if query != "" {
			attrs = append(attrs, slog.String("query", loggedQuery(query)))
		}
	}
	attrs = append(attrs, slog.Int("status", c.Response().StatusCode()))
	if duration > 0 {
		attrs = append(attrs, slog.Duration("duration", duration))
	}
	e.log.LogAttrs(context.Background(), level, "request", attrs...)
}

// requestLogLevel is info, but debug for the health probes and static files,
// which machines and every page view request all the time.
func requestLogLevel(path string) slog.Level {
	if path == paths.Healthz || path == paths.Readyz || path == paths.Favicon || paths.IsAsset(path) {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// loggedPath is a request path as logs show it: the secret token at the end
// of a mailed link's path (a password reset, an email change) is REDACTED.
func loggedPath(path string) string {
	if dir, ok := paths.SecretTokenDir(path); ok {
		return dir + "REDACTED"
	}
	return path
}

// maxLoggedQuery caps the query string in the log: enough to tell requests apart,
// not enough for a client to fill the log with one request.
const maxLoggedQuery = 200

// loggedQuery is a raw query string as the log shows it: the value of every
// sensitive parameter replaced by REDACTED, and cut to maxLoggedQuery bytes.
// Parameters are split at '&' and ';' alike, so a ';' cannot smuggle a value past.
func loggedQuery(raw string) string {
	var b strings.Builder
	for len(raw) > 0 && b.Len() <= maxLoggedQuery {
		end := strings.IndexAny(raw, "&;")
		if end < 0 {
			end = len(raw)
		} else {
			end++ // keep the separator
		}
		param := raw[:end]
		raw = raw[end:]
		name, _, hasValue := strings.Cut(param, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if hasValue && isSensitiveParam(name) {
			sep := ""
			if last := param[len(param)-1]; last == '&' || last == ';' {
				sep = string(last)
			}
			param = param[:strings.IndexByte(param, '=')+1] + "REDACTED" + sep
		}
		b.WriteString(param)
	}
	out := b.String()
	if len(out) <= maxLoggedQuery && raw == "" {
		return out
	}
	const more = "..."
	cut := maxLoggedQuery - len(more)
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	return out[:cut] + more
}

// isSensitiveParam reports query parameters whose values must not reach the
// log: credentials and tokens; email addresses (personal data); and the page to
// return to after login (next, redirect...), whose own query may hold any of these.
func isSensitiveParam(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "next", "redirect", "redirect_uri", "redirect_to", "return", "return_to", "returnto", "continue",
		"code", "key", "apikey", "api_key", "sig", "signature", "sid", "otp", "pw", "pass", "auth":
		return true
	}
	for _, part := range []string{"token", "passw", "secret", "csrf", "session", "email"} {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}
