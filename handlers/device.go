package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// deviceRegistry is what device cookies ask of services.Devices.
type deviceRegistry interface {
	Recognize(ctx context.Context, token, email string) (string, error)
	Remember(ctx context.Context, userID int64) (string, error)
}

// deviceCookies keep a browser's device token (services.Devices): proof that
// it has logged in to an account before, which exempts it from that account's
// lock (the login throttle).
type deviceCookies struct {
	*web
	devices deviceRegistry
}

// recognize returns the browser's device token if it has logged in to the
// account of email before, else "".
func (d *deviceCookies) recognize(c *fiber.Ctx, email string) (string, error) {
	return d.devices.Recognize(c.UserContext(), c.Cookies(d.cookies.device), email)
}

// remember makes this browser a known device of the user. It replaces any
// token the browser held for another account: one browser, one device cookie.
// It comes after the login has succeeded and cannot undo it: if the database
// cannot store the device in what is left of the request's time (a login may
// have queued long for its hash), the browser is simply not known next time.
func (d *deviceCookies) remember(c *fiber.Ctx, userID int64) {
	token, err := d.devices.Remember(c.UserContext(), userID)
	if err != nil {
		d.log.LogAttrs(c.UserContext(), slog.LevelWarn, "device not remembered",
			slog.String("rid", requestID(c)), slog.String("error", err.Error()))
		return
	}
	c.Cookie(&fiber.Cookie{
		Name:     d.cookies.device,
		Value:    token,
		Path:     "/",
		MaxAge:   int(services.DeviceLifetime / time.Second),
		Expires:  time.Now().Add(services.DeviceLifetime),
		Secure:   d.cookieSecure,
		HTTPOnly: true,
		// Only POST /login reads it, from our own form.
		SameSite: fiber.CookieSameSiteStrictMode,
	})
}
