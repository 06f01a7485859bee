package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// sessionStarter is what signing a user in asks of services.Sessions.
type sessionStarter interface {
	SignIn(ctx context.Context, old *services.Session, userID int64, email string, client services.ClientInfo) (*services.Session, error)
}

// startSession replaces the visitor's session (if any) with a fresh one for
// user, with a new id and a new CSRF token, and sends its cookie: after a login,
// a sign-up, a password reset or a password change, nothing known before it
// (an id, a token) is worth anything.
func (w *web) startSession(c *fiber.Ctx, sessions sessionStarter, user *models.User) error {
	client := services.ClientInfo{UserAgent: c.Get(fiber.HeaderUserAgent), IP: clientIP(c)}
	sess, err := sessions.SignIn(c.UserContext(), state(c).session, user.ID, user.Email, client)
	if err != nil {
		return err
	}
	state(c).session = sess
	w.setSessionCookie(c, sess.ID)
	return nil
}
