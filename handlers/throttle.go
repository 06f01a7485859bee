package handlers

import (
	"log/slog"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// renderThrottled answers a throttled form post with page (the form again,
// showing only the throttle message) as 429 with Retry-After. htmx swaps 429s
// like 422s (htmx-config), so no earlier message stays next to it.
func renderThrottled(c *fiber.Ctx, err error, page templ.Component) error {
	setRetryAfter(c, err)
	return render(c, fiber.StatusTooManyRequests, page)
}

// auditThrottled logs a throttle hit with the limit that refused it.
func (s *server) auditThrottled(c *fiber.Ctx, action string, err error, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("action", action), slog.String("limit", services.RefusedLimit(err))}, attrs...)
	s.audit(c, "throttle.hit", attrs...)
}
