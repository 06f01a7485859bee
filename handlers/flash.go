package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Flash messages travel in a short-lived cookie rather than the session, so they
// work across logout (when there is no session) and cost guests no storage.
const flashCookie = "flash"

// flashText maps a flash key to its message. The cookie holds a key, never text,
// so a forged cookie cannot put words on the page; email is the signed-in user's.
func flashText(key, email string) string {
	switch key {
	case "signed_up":
		return "Welcome! Your seller account is ready."
	case "logged_in":
		return "You are logged in."
	case "logged_out":
		return "You are logged out."
	case "logged_out_everywhere":
		return "You are logged out on every device."
	case "password_reset":
		return "Your password has been reset, and every other session of your account signed out. You are logged in."
	case "password_changed":
		return "Your password has been changed, and every other session of your account signed out."
	case "email_changed":
		return "Your email address has been changed. Log in with the new one from now on."
	case "session_ended":
		return "That session is signed out."
	case "session_gone":
		return "That session had already ended."
	case "other_sessions_ended":
		return "Every other session of your account is signed out."
	case "added_to_cart":
		return "Added to your cart."
	case "cart_updated":
		return "Your cart is updated."
	case "cart_removed":
		return "Removed from your cart."
	case "order_paid":
		return "Payment received. Thank you for your order!"
	case "order_cancelled":
		return "Your order is cancelled and nothing was charged."
	case "product_created":
		return "Your product is live."
	case "signed_in_already":
		if email != "" {
			return "You're signed in as " + email + ". Log out to create another account."
		}
	}
	return sellerFlashText(key)
}

func (w *web) setFlash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: key, Path: "/", MaxAge: 60, Expires: time.Now().Add(time.Minute),
		Secure: w.cookieSecure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// takeFlash returns the pending flash message and clears it.
func (w *web) takeFlash(c *fiber.Ctx) string {
	key := c.Cookies(flashCookie)
	if key == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: "", Path: "/", Expires: fasthttp.CookieExpireDelete,
		Secure: w.cookieSecure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	var email string
	if sess := state(c).session; sess != nil {
		email = sess.Email
	}
	return flashText(key, email)
}
