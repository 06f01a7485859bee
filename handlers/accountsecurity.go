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

// accountCredentials is what changing the password or the email address asks
// of services.AccountSecurity.
type accountCredentials interface {
	ChangePassword(ctx context.Context, userID int64, current, newPassword string) (*models.User, error)
	RequestEmailChange(ctx context.Context, userID int64, newEmail, currentPassword string) (token string, taken bool, err error)
	EmailChangeAddress(ctx context.Context, token string) (string, error)
	ConfirmEmailChange(ctx context.Context, token string) (*models.User, string, error)
	EmailChangeTTL() time.Duration
}

// credentialSessions is what those changes ask of services.Sessions.
type credentialSessions interface {
	sessionStarter
	DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error)
	SetEmail(ctx context.Context, userID int64, email string) error
}

// accountSecurityHandlers serve the signed-in user's password and email
// changes, and the page an email-change link leads to. A change that the
// current password confirms is counted like a login attempt from this browser
// (reauthenticate), so a stolen session cannot guess the password faster
// through these forms than through the login form.
type accountSecurityHandlers struct {
	*web
	security accountCredentials
	sessions credentialSessions
	logins   loginLimiter
	devices  *deviceCookies
}

func (h *accountSecurityHandlers) passwordPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, h.passwordForm(c, views.SecurityForm{}))
}

func (h *accountSecurityHandlers) passwordForm(c *fiber.Ctx, f views.SecurityForm) templ.Component {
	return views.ChangePasswordPage(h.page(c, "Change your password"), state(c).session.Email, f)
}

// changePassword sets a new password; then every other session of the user
// ends, on every instance, and this one gets a new id and CSRF token.
func (h *accountSecurityHandlers) changePassword(c *fiber.Ctx) error {
	sess := state(c).session
	ctx := c.UserContext()
	user, err := h.reauthenticate(c, "password_change", func() (*models.User, error) {
		return h.security.ChangePassword(ctx, sess.UserID, c.FormValue("current_password"), c.FormValue("new_password"))
	})
	if f, refused := refusedForm(err); refused {
		return renderRefusal(c, err, h.passwordForm(c, f))
	}
	if err != nil {
		return err
	}
	ended, err := h.sessions.DestroyAllForUser(ctx, user.ID, sess.ID)
	if err != nil {
		return err
	}
	if err := h.startSession(c, h.sessions, user); err != nil {
		return err
	}
	h.audit(c, "password.changed", slog.Int64("user_id", user.ID), slog.Int("sessions_ended", ended))
	h.setFlash(c, "password_changed")
	return redirect(c, paths.Account)
}

func (h *accountSecurityHandlers) emailPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, h.emailForm(c, views.SecurityForm{}, ""))
}

func (h *accountSecurityHandlers) emailForm(c *fiber.Ctx, f views.SecurityForm, sentTo string) templ.Component {
	return views.ChangeEmailPage(h.page(c, "Change your email address"), state(c).session.Email, f, sentTo, h.security.EmailChangeTTL())
}

// requestEmailChange mails a link to the new address. The answer is the same
// whether or not the address already has an account (which gets a note
// instead of the link): nothing changes until the link is followed.
func (h *accountSecurityHandlers) requestEmailChange(c *fiber.Ctx) error {
	sess := state(c).session
	typed := c.FormValue("email")
	_, err := h.reauthenticate(c, "email_change", func() (*models.User, error) {
		_, _, err := h.security.RequestEmailChange(c.UserContext(), sess.UserID, typed, c.FormValue("current_password"))
		return nil, err
	})
	if f, refused := refusedForm(err); refused {
		f.Email = typed
		return renderRefusal(c, err, h.emailForm(c, f, ""))
	}
	if err != nil {
		return err
	}
	h.audit(c, "email.change.requested", slog.Int64("user_id", sess.UserID))
	return render(c, fiber.StatusOK, h.emailForm(c, views.SecurityForm{}, models.NormalizeEmail(typed)))
}

// confirmEmailPage is an email-change link's page. It changes nothing: a mail
// scanner that fetches every link must not confirm the change, so the page
// asks for a click on a button, which posts the form.
func (h *accountSecurityHandlers) confirmEmailPage(c *fiber.Ctx) error {
	token := c.Params("token")
	newEmail, err := h.security.EmailChangeAddress(c.UserContext(), token)
	if errors.Is(err, services.ErrAccountLinkInvalid) {
		return h.emailLinkExpired(c)
	}
	if err != nil {
		return err
	}
	if !state(c).session.SignedIn() {
		h.openGuestForm(c, "") // the link may be opened in a browser that is not signed in
	}
	page := views.ConfirmEmailPage(h.linkPage(c, "Confirm your new email address"), newEmail, paths.EmailConfirm(token), "")
	return render(c, fiber.StatusOK, page)
}

func (h *accountSecurityHandlers) emailLinkExpired(c *fiber.Ctx) error {
	return h.linkExpired(c, paths.AccountEmail, "Ask for a new link")
}

// confirmEmail makes the link's address the account's, and shows it in the
// nav of each of the user's sessions.
func (h *accountSecurityHandlers) confirmEmail(c *fiber.Ctx) error {
	token := c.Params("token")
	ctx := c.UserContext()
	user, _, err := h.security.ConfirmEmailChange(ctx, token)
	switch {
	case errors.Is(err, services.ErrAccountLinkInvalid):
		return h.emailLinkExpired(c)
	case errors.Is(err, services.ErrEmailTakenMeanwhile):
		page := views.ConfirmEmailPage(h.linkPage(c, "Confirm your new email address"), "", "", models.ErrorMessage(err))
		return render(c, fiber.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	h.audit(c, "email.change.confirmed", slog.Int64("user_id", user.ID))
	st := state(c)
	signedInAsUser := st.session.SignedIn() && st.session.UserID == user.ID
	if signedInAsUser {
		st.session.Email = user.Email
	}
	if err := h.sessions.SetEmail(ctx, user.ID, user.Email); err != nil {
		// The address has changed; only the nav of other sessions lags until
		// they sign in again.
		h.log.LogAttrs(ctx, slog.LevelWarn, "sessions keep the old email address",
			slog.String("rid", requestID(c)), slog.Int64("user_id", user.ID), slog.String("error", err.Error()))
	}
	h.setFlash(c, "email_changed")
	if signedInAsUser {
		return redirect(c, paths.Account)
	}
	return redirect(c, paths.Login)
}

// reauthenticate runs change, which checks the user's current password first,
// as a login attempt from this browser for the user's account: counted before
// the password is hashed, refused over the login limits (ETHROTTLED), left
// counted when the password is wrong, and settled like a successful login once
// it was right. action names the form in the security log.
func (h *accountSecurityHandlers) reauthenticate(c *fiber.Ctx, action string, change func() (*models.User, error)) (*models.User, error) {
	ctx := c.UserContext()
	email := state(c).session.Email
	device, err := h.devices.recognize(c, email)
	if err != nil {
		return nil, err
	}
	attempt, err := h.logins.ReserveLogin(ctx, services.LoginAttempt{IP: clientIP(c), Email: email, Device: device})
	if models.ErrorCode(err) == models.ETHROTTLED {
		h.auditThrottled(c, action, err, slog.Bool("known_device", device != ""))
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	user, err := change()
	switch {
	case err == nil:
		if err := attempt.Succeeded(ctx); err != nil {
			return nil, err
		}
	case errors.Is(err, services.ErrWrongCurrentPassword):
		h.audit(c, "reauth.failure", slog.String("action", action), slog.Int64("user_id", state(c).session.UserID))
	default:
		attempt.Release(ctx) // the password was not judged, or was right and the change was refused
	}
	return user, err
}

// refusedForm turns a refused change into the form's messages: a wrong
// current password beside its field, a refused new value beside its own, a
// throttle refusal alone at the top. refused is false for any other error.
func refusedForm(err error) (views.SecurityForm, bool) {
	switch {
	case errors.Is(err, services.ErrWrongCurrentPassword):
		return views.SecurityForm{Errors: views.FormErrors{"current_password": models.ErrorMessage(err)}}, true
	case models.ErrorCode(err) == models.EINVALID:
		return views.SecurityForm{Errors: views.ErrorsOf(err)}, true
	case models.ErrorCode(err) == models.ETHROTTLED:
		return views.SecurityForm{Message: models.ErrorMessage(err)}, true
	}
	return views.SecurityForm{}, false
}

// renderRefusal answers a refused form with page: 429 with Retry-After for a
// throttle refusal, else 422.
func renderRefusal(c *fiber.Ctx, err error, page templ.Component) error {
	if models.ErrorCode(err) == models.ETHROTTLED {
		return renderThrottled(c, err, page)
	}
	return render(c, fiber.StatusUnprocessableEntity, page)
}
