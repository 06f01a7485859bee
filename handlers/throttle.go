package handlers

import (
	"context"
	"log/slog"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// signupLimiter is what the sign-up throttle asks of services.Throttle.
type signupLimiter interface {
	Signup(ctx context.Context, ip string) error
}

// signupThrottle counts sign-up attempts per client IP, in front of the
// sign-up handler.
type signupThrottle struct {
	*web
	limiter signupLimiter
}

// check counts every sign-up attempt from the client IP. Over the limit, the
// form comes back with only the throttle message, the typed email kept.
func (t *signupThrottle) check(c *fiber.Ctx) error {
	err := t.limiter.Signup(c.UserContext(), clientIP(c))
	if models.ErrorCode(err) == models.ETHROTTLED {
		t.auditThrottled(c, "signup", err)
		form := views.AuthForm{Email: c.FormValue("email"), Message: models.ErrorMessage(err)}
		return renderThrottled(c, err, views.SignupPage(t.page(c, "Sign up"), form))
	}
	if err != nil {
		return err
	}
	return c.Next()
}

// renderThrottled answers a throttled form post with page (the form again,
// showing only the throttle message) as 429 with Retry-After. htmx swaps 429s
// like 422s (htmx-config), so no earlier message stays next to it.
func renderThrottled(c *fiber.Ctx, err error, page templ.Component) error {
	setRetryAfter(c, err)
	return render(c, fiber.StatusTooManyRequests, page)
}

// auditThrottled logs a throttle hit with the limit that refused it.
func (w *web) auditThrottled(c *fiber.Ctx, action string, err error, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("action", action), slog.String("limit", services.RefusedLimit(err))}, attrs...)
	w.audit(c, "throttle.hit", attrs...)
}
