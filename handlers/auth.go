package handlers

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// accountAuth is what signing up and logging in ask of services.Accounts.
type accountAuth interface {
	SignUp(ctx context.Context, cred models.Credentials) (*models.User, error)
	Authenticate(ctx context.Context, cred models.Credentials) (*models.User, error)
}

// authSessions is what signing in and out asks of services.Sessions.
type authSessions interface {
	sessionStarter
	Destroy(ctx context.Context, sess *services.Session) error
	DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error)
}

// loginLimiter is what logging in asks of services.Throttle.
type loginLimiter interface {
	ReserveLogin(ctx context.Context, a services.LoginAttempt) (*services.LoginReservation, error)
}

// authHandlers serve signing up, logging in and logging out.
type authHandlers struct {
	*web
	accounts accountAuth
	sessions authSessions
	logins   loginLimiter
	devices  *deviceCookies
	carts    guestCartMerger // nil: an app without the buying side
}

// guestCartMerger is what signing in asks of services.Carts: the guest's cart
// joins the user's.
type guestCartMerger interface {
	MergeGuestCart(ctx context.Context, guestToken string, userID int64) error
}

// afterLoginDefault is where a user goes when no safe page was remembered.
const afterLoginDefault = paths.Products

// authPage serves the log-in and sign-up pages. A signed-in visitor is sent on;
// a guest gets a guest form token (a cookie, nothing stored on the server) and,
// from ?next=, the page to return to.
func (h *authHandlers) authPage(c *fiber.Ctx, show func(views.Page, views.AuthForm) error) error {
	next := c.Query("next")
	if state(c).session.SignedIn() {
		if path, ok := h.afterLoginPage(next); ok {
			return redirect(c, path)
		}
		return redirect(c, afterLoginDefault)
	}
	g := h.openGuestForm(c, next)
	return show(h.page(c, ""), views.AuthForm{Reason: loginReason(g.next)})
}

// loginReason says why the login page is shown when a protected page sent the
// visitor there.
func loginReason(next string) string {
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	switch strings.ToLower(strings.TrimSuffix(u.Path, "/")) {
	case paths.Account, paths.AccountPassword, paths.AccountEmail, paths.AccountSessions:
		return "Log in to see your account"
	case paths.NewProduct:
		return "Log in to start selling"
	case paths.Cart:
		return "Log in or sign up to check out: your cart stays as it is"
	}
	return ""
}

func (h *authHandlers) loginPage(c *fiber.Ctx) error {
	return h.authPage(c, func(p views.Page, f views.AuthForm) error {
		p.Title = "Log in"
		return render(c, fiber.StatusOK, views.LoginPage(p, f))
	})
}

func (h *authHandlers) signupPage(c *fiber.Ctx) error {
	return h.authPage(c, func(p views.Page, _ views.AuthForm) error {
		p.Title = "Sign up"
		return render(c, fiber.StatusOK, views.SignupPage(p, views.AuthForm{}))
	})
}

func credentials(c *fiber.Ctx) models.Credentials {
	return models.Credentials{Email: c.FormValue("email"), Password: c.FormValue("password")}
}

// refuseSignedIn stops a signed-in visitor from creating another account (a
// sign-up form left open in another tab): nothing is created and the account
// page says who they are signed in as.
func (h *authHandlers) refuseSignedIn(c *fiber.Ctx) error {
	if !state(c).session.SignedIn() {
		return c.Next()
	}
	h.setFlash(c, "signed_in_already")
	return redirect(c, paths.Account)
}

func (h *authHandlers) signup(c *fiber.Ctx) error {
	cred := credentials(c)
	user, err := h.accounts.SignUp(c.UserContext(), cred)
	if models.ErrorCode(err) == models.EINVALID {
		form := views.AuthForm{Email: cred.Email, Errors: views.ErrorsOf(err)}
		return render(c, fiber.StatusUnprocessableEntity, views.SignupPage(h.page(c, "Sign up"), form))
	}
	if err != nil {
		return err
	}
	h.audit(c, "signup", slog.Int64("user_id", user.ID))
	return h.signIn(c, user, "signed_up")
}

// login checks the credentials. The attempt is counted against the client IP
// and the account (or this browser, if it has logged in to the account before)
// before the password is hashed, in one atomic step: parallel guesses cannot
// all slip in between a check and a count.
func (h *authHandlers) login(c *fiber.Ctx) error {
	cred := credentials(c)
	typed := cred.Email
	if err := cred.ValidateLogin(); err != nil {
		return h.loginForm(c, fiber.StatusUnprocessableEntity, typed, err)
	}
	ctx := c.UserContext()
	device, err := h.devices.recognize(c, cred.Email)
	if err != nil {
		return err
	}
	knownDevice := slog.Bool("known_device", device != "")
	attempt, err := h.logins.ReserveLogin(ctx, services.LoginAttempt{IP: clientIP(c), Email: cred.Email, Device: device})
	if models.ErrorCode(err) == models.ETHROTTLED {
		h.auditThrottled(c, "login", err, knownDevice)
		return renderThrottled(c, err, h.loginPageWith(c, typed, err))
	}
	if err != nil {
		return err
	}
	user, err := h.accounts.Authenticate(ctx, cred)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		// The attempt stays counted: it was a failure.
		h.audit(c, "login.failure", slog.String("reason", services.LoginFailureReason(err)), knownDevice)
		return h.loginForm(c, fiber.StatusUnprocessableEntity, typed, err)
	}
	if err != nil {
		attempt.Release(ctx) // the password was never judged
		return err
	}
	if err := attempt.Succeeded(ctx); err != nil {
		return err
	}
	if err := h.signIn(c, user, "logged_in"); err != nil {
		return err
	}
	h.audit(c, "login.success", slog.Int64("user_id", user.ID), knownDevice)
	if device == "" {
		h.devices.remember(c, user.ID)
	}
	return nil
}

// loginForm answers a refused login with the form again, the typed email kept.
func (h *authHandlers) loginForm(c *fiber.Ctx, status int, email string, err error) error {
	return render(c, status, h.loginPageWith(c, email, err))
}

// loginPageWith is the login form again after a refused attempt: the typed
// email, the refusal, and still the reason a protected page sent the visitor
// (the page to return to stays in the guest cookie until a login succeeds).
func (h *authHandlers) loginPageWith(c *fiber.Ctx, email string, err error) templ.Component {
	form := views.AuthForm{Email: email, Errors: views.ErrorsOf(err), Message: loginMessage(err),
		Reason: loginReason(h.guestForm(c).next)}
	return views.LoginPage(h.page(c, "Log in"), form)
}

// loginMessage is the form-level message: the same for every credential
// failure, and for a throttled attempt only the throttle's (with when to try again).
func loginMessage(err error) string {
	switch models.ErrorCode(err) {
	case models.EUNAUTHORIZED, models.ETHROTTLED:
		return models.ErrorMessage(err)
	}
	return ""
}

// signIn replaces the visitor's session with a fresh one for user (new id, new
// CSRF token) and sends them to the page they wanted, used once.
func (h *authHandlers) signIn(c *fiber.Ctx, user *models.User, flash string) error {
	// The guest's cart joins the user's before the guest session (which
	// names it) is replaced; if this fails nothing is signed in, and trying
	// again finds the guest cart still there.
	if sess := state(c).session; h.carts != nil && sess != nil && !sess.SignedIn() && sess.CartToken != "" {
		if err := h.carts.MergeGuestCart(c.UserContext(), sess.CartToken, user.ID); err != nil {
			return err
		}
	}
	if err := h.startSession(c, h.sessions, user); err != nil {
		return err
	}
	h.setFlash(c, flash)
	next := h.takeAfterLoginPage(c)
	if next == "" {
		next = afterLoginDefault
	}
	return redirect(c, next)
}

// logout ends the session on the server and expires the cookie. The redirect to
// / is followed by htmx's request too, which then swaps in the signed-out page.
// Without a live session (it ended in another tab, timed out, or the server
// restarted) there is nothing to end, and the visitor sees the same signed-out
// page: the button always does what it says.
func (h *authHandlers) logout(c *fiber.Ctx) error {
	st := state(c)
	if err := h.sessions.Destroy(c.UserContext(), st.session); err != nil {
		return err
	}
	if st.session != nil {
		h.audit(c, "logout", slog.Int64("user_id", st.session.UserID))
	} else {
		h.audit(c, "logout", slog.Bool("no_session", true))
	}
	return h.signedOut(c, "logged_out")
}

// logoutEverywhere ends every session of the user, on every device and every
// instance, this one included.
func (h *authHandlers) logoutEverywhere(c *fiber.Ctx) error {
	userID := state(c).session.UserID
	n, err := h.sessions.DestroyAllForUser(c.UserContext(), userID, "")
	if err != nil {
		return err
	}
	h.audit(c, "logout", slog.Int64("user_id", userID), slog.String("scope", "everywhere"), slog.Int("sessions", n))
	return h.signedOut(c, "logged_out_everywhere")
}

// signedOut ends the request as a guest on the home page with a message.
func (h *authHandlers) signedOut(c *fiber.Ctx, flash string) error {
	state(c).session = nil
	h.clearSessionCookie(c)
	h.setFlash(c, flash)
	return c.Redirect(paths.Home, fiber.StatusSeeOther)
}
