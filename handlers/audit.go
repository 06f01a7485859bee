package handlers

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// audit logs a security event (sign-up, login success or failure, throttle hit,
// CSRF refusal, logout, ...) as its own line, with the request id and client IP,
// so that an incident can be reconstructed from the log alone. attrs must never
// hold a password, a token or a session id.
func (w *web) audit(c *fiber.Ctx, event string, attrs ...slog.Attr) {
	all := make([]slog.Attr, 0, len(attrs)+3)
	all = append(all, slog.String("event", event), slog.String("rid", requestID(c)), slog.String("ip", clientIP(c)))
	all = append(all, attrs...)
	w.log.LogAttrs(c.UserContext(), slog.LevelInfo, "security event", all...)
}
