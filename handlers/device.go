package handlers

import (
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
func (s *server) rememberDevice(c *fiber.Ctx, userID int64) error {
	token, err := s.Devices.Remember(c.UserContext(), userID)
	if err != nil {
		return err
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
	return nil
}
