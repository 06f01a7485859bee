package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// deviceCookieName holds a browser's device token (services.Devices): proof that
// it has logged in to an account before, which exempts it from that account's
// lock. The __Host- prefix keeps sibling subdomains from planting one.
func (s *server) deviceCookieName() string {
	if s.Config.CookieSecure {
		return "__Host-device"
	}
	return "device"
}

// rememberDevice makes this browser a known device of the user. It replaces any
// token the browser held for another account: one browser, one device cookie.
// It comes after the login has succeeded and cannot undo it: if the database
// cannot store the device in what is left of the request's time (a login may
// have queued long for its hash), the browser is simply not known next time.
func (s *server) rememberDevice(c *fiber.Ctx, userID int64) {
	token, err := s.Devices.Remember(c.UserContext(), userID)
	if err != nil {
		s.Log.LogAttrs(c.UserContext(), slog.LevelWarn, "device not remembered",
			slog.String("rid", requestID(c)), slog.String("error", err.Error()))
		return
	}
	c.Cookie(&fiber.Cookie{
		Name:     s.deviceCookieName(),
		Value:    token,
		Path:     "/",
		MaxAge:   int(services.DeviceLifetime / time.Second),
		Expires:  time.Now().Add(services.DeviceLifetime),
		Secure:   s.Config.CookieSecure,
		HTTPOnly: true,
		// Only POST /login reads it, from our own form.
		SameSite: fiber.CookieSameSiteStrictMode,
	})
}
