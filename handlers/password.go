package handlers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// passwordResets is what the forgot-password and reset pages ask of
// services.AccountSecurity.
type passwordResets interface {
	RequestPasswordReset(ctx context.Context, email string) error
	PasswordResetUser(ctx context.Context, token string) (*models.User, error)
	ResetPassword(ctx context.Context, token, newPassword string) (*models.User, error)
	PasswordResetTTL() time.Duration
}

// resetLimiter is what the forgot-password form asks of services.Throttle.
type resetLimiter interface {
	PasswordResetRequest(ctx context.Context, ip, email string) error
}

// resetSessions is what a password reset asks of services.Sessions.
type resetSessions interface {
	sessionStarter
	DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error)
}

// passwordHandlers serve "forgot your password?": the form that mails a reset
// link, and the link's page that sets a new password. Both are guest forms.
type passwordHandlers struct {
	*web
	resets   passwordResets
	limiter  resetLimiter
	sessions resetSessions
}

func (h *passwordHandlers) forgotPage(c *fiber.Ctx) error {
	h.openGuestForm(c, "")
	return render(c, fiber.StatusOK, h.forgotForm(c, views.AuthForm{}, false))
}

func (h *passwordHandlers) forgotForm(c *fiber.Ctx, f views.AuthForm, sent bool) templ.Component {
	return views.ForgotPasswordPage(h.page(c, "Reset your password"), f, sent, h.resets.PasswordResetTTL())
}

// forgot asks for a reset link. Whether or not the address has an account,
// the answer is the same page, status and work: the request is counted (per
// client IP and per typed address) and queued as a job, and the page answers
// before anything looks the address up. The job issues the link and mails it,
// or does nothing for an address without an account.
func (h *passwordHandlers) forgot(c *fiber.Ctx) error {
	typed := c.FormValue("email")
	email := models.NormalizeEmail(typed)
	ctx := c.UserContext()
	err := h.limiter.PasswordResetRequest(ctx, clientIP(c), email)
	if models.ErrorCode(err) == models.ETHROTTLED {
		h.auditThrottled(c, "password_forgot", err)
		return renderThrottled(c, err, h.forgotForm(c, views.AuthForm{Email: typed, Message: models.ErrorMessage(err)}, false))
	}
	if err != nil {
		return err
	}
	err = h.resets.RequestPasswordReset(ctx, email)
	if models.ErrorCode(err) == models.EINVALID {
		return render(c, fiber.StatusUnprocessableEntity, h.forgotForm(c, views.AuthForm{Email: typed, Errors: views.ErrorsOf(err)}, false))
	}
	if err != nil {
		return err
	}
	h.audit(c, "password.reset.requested", slog.String("email_digest", emailDigest(email)))
	return render(c, fiber.StatusOK, h.forgotForm(c, views.AuthForm{}, true))
}

// resetPage is a reset link's page: the new-password form, or the "expired or
// already used" page.
func (h *passwordHandlers) resetPage(c *fiber.Ctx) error {
	token := c.Params("token")
	user, err := h.resets.PasswordResetUser(c.UserContext(), token)
	if errors.Is(err, services.ErrAccountLinkInvalid) {
		return h.resetLinkExpired(c)
	}
	if err != nil {
		return err
	}
	h.openGuestForm(c, "")
	return h.renderReset(c, fiber.StatusOK, user.Email, token, views.AuthForm{})
}

func (h *passwordHandlers) renderReset(c *fiber.Ctx, status int, email, token string, f views.AuthForm) error {
	return render(c, status, views.ResetPasswordPage(h.linkPage(c, "Choose a new password"), email, paths.PasswordReset(token), f))
}

func (h *passwordHandlers) resetLinkExpired(c *fiber.Ctx) error {
	return h.linkExpired(c, paths.PasswordForgot, "Mail me a new link")
}

// reset sets the new password from a reset link, then ends every session of
// the user, on every instance, and signs this browser in with a fresh one.
func (h *passwordHandlers) reset(c *fiber.Ctx) error {
	token := c.Params("token")
	ctx := c.UserContext()
	user, err := h.resets.ResetPassword(ctx, token, c.FormValue("password"))
	if errors.Is(err, services.ErrAccountLinkInvalid) {
		return h.resetLinkExpired(c)
	}
	if models.ErrorCode(err) == models.EINVALID {
		// The link stays open; the form needs its account again.
		refused := err
		user, err = h.resets.PasswordResetUser(ctx, token)
		if errors.Is(err, services.ErrAccountLinkInvalid) {
			return h.resetLinkExpired(c)
		}
		if err != nil {
			return err
		}
		return h.renderReset(c, fiber.StatusUnprocessableEntity, user.Email, token, views.AuthForm{Errors: views.ErrorsOf(refused)})
	}
	if err != nil {
		return err
	}
	ended, err := h.sessions.DestroyAllForUser(ctx, user.ID, "")
	if err != nil {
		return err
	}
	if err := h.startSession(c, h.sessions, user); err != nil {
		return err
	}
	h.audit(c, "password.reset", slog.Int64("user_id", user.ID), slog.Int("sessions_ended", ended))
	h.setFlash(c, "password_reset")
	return redirect(c, paths.Account)
}
