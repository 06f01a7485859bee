package handlers

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// afterLoginDefault is where a user goes when no safe page was remembered.
const afterLoginDefault = "/products"

// authPage serves the log-in and sign-up pages. A signed-in visitor is sent on;
// a guest gets a guest form token (a cookie, nothing stored on the server) and,
// from ?next=, the page to return to.
func (s *server) authPage(c *fiber.Ctx, show func(views.Page, views.AuthForm) error) error {
	next := c.Query("next")
	if state(c).session.SignedIn() {
		if path, ok := s.afterLoginPage(next); ok {
			return redirect(c, path)
		}
		return redirect(c, afterLoginDefault)
	}
	g := s.openGuestForm(c, next)
	return show(s.page(c, ""), views.AuthForm{Reason: loginReason(g.next)})
}

// loginReason says why the login page is shown when a protected page sent the
// visitor there.
func loginReason(next string) string {
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	switch strings.ToLower(strings.TrimSuffix(u.Path, "/")) {
	case "/account":
		return "Log in to see your account"
	case "/products/new":
		return "Log in to start selling"
	}
	return ""
}

func (s *server) loginPage(c *fiber.Ctx) error {
	return s.authPage(c, func(p views.Page, f views.AuthForm) error {
		p.Title = "Log in"
		return render(c, fiber.StatusOK, views.LoginPage(p, f))
	})
}

func (s *server) signupPage(c *fiber.Ctx) error {
	return s.authPage(c, func(p views.Page, _ views.AuthForm) error {
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
func (s *server) refuseSignedIn(c *fiber.Ctx) error {
	if !state(c).session.SignedIn() {
		return c.Next()
	}
	s.setFlash(c, "signed_in_already")
	return redirect(c, "/account")
}

func (s *server) signup(c *fiber.Ctx) error {
	cred := credentials(c)
	user, err := s.Accounts.SignUp(c.UserContext(), cred)
	if models.ErrorCode(err) == models.EINVALID {
		form := views.AuthForm{Email: cred.Email, Errors: views.ErrorsOf(err)}
		return render(c, fiber.StatusUnprocessableEntity, views.SignupPage(s.page(c, "Sign up"), form))
	}
	if err != nil {
		return err
	}
	s.audit(c, "signup", slog.Int64("user_id", user.ID))
	return s.signIn(c, user, "signed_up")
}

// login checks the credentials. The attempt is counted against the client IP
// and the account (or this browser, if it has logged in to the account before)
// before the password is hashed, in one atomic step: parallel guesses cannot
// all slip in between a check and a count.
func (s *server) login(c *fiber.Ctx) error {
	cred := credentials(c)
	typed := cred.Email
	if err := cred.ValidateLogin(); err != nil {
		return s.loginForm(c, fiber.StatusUnprocessableEntity, typed, err)
	}
	ctx := c.UserContext()
	device, err := s.Devices.Recognize(ctx, c.Cookies(s.deviceCookieName()), cred.Email)
	if err != nil {
		return err
	}
	knownDevice := slog.Bool("known_device", device != "")
	attempt, err := s.Throttle.ReserveLogin(ctx, services.LoginAttempt{IP: clientIP(c), Email: cred.Email, Device: device})
	if models.ErrorCode(err) == models.ETHROTTLED {
		s.auditThrottled(c, "login", err, knownDevice)
		return renderThrottled(c, err, s.loginPageWith(c, typed, err))
	}
	if err != nil {
		return err
	}
	user, err := s.Accounts.Authenticate(ctx, cred)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		// The attempt stays counted: it was a failure.
		s.audit(c, "login.failure", slog.String("reason", services.LoginFailureReason(err)), knownDevice)
		return s.loginForm(c, fiber.StatusUnprocessableEntity, typed, err)
	}
	if err != nil {
		attempt.Release(ctx) // the password was never judged
		return err
	}
	if err := attempt.Succeeded(ctx); err != nil {
		return err
	}
	if err := s.signIn(c, user, "logged_in"); err != nil {
		return err
	}
	s.audit(c, "login.success", slog.Int64("user_id", user.ID), knownDevice)
	if device == "" {
		s.rememberDevice(c, user.ID)
	}
	return nil
}

// loginForm answers a refused login with the form again, the typed email kept.
func (s *server) loginForm(c *fiber.Ctx, status int, email string, err error) error {
	return render(c, status, s.loginPageWith(c, email, err))
}

func (s *server) loginPageWith(c *fiber.Ctx, email string, err error) templ.Component {
	form := views.AuthForm{Email: email, Errors: views.ErrorsOf(err), Message: loginMessage(err)}
	return views.LoginPage(s.page(c, "Log in"), form)
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
func (s *server) signIn(c *fiber.Ctx, user *models.User, flash string) error {
	client := services.ClientInfo{UserAgent: c.Get(fiber.HeaderUserAgent), IP: clientIP(c)}
	sess, err := s.Sessions.SignIn(c.UserContext(), state(c).session, user.ID, user.Email, client)
	if err != nil {
		return err
	}
	state(c).session = sess
	s.setSessionCookie(c, sess.ID)
	s.setFlash(c, flash)
	next := s.takeAfterLoginPage(c)
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
func (s *server) logout(c *fiber.Ctx) error {
	st := state(c)
	if err := s.Sessions.Destroy(c.UserContext(), st.session); err != nil {
		return err
	}
	if st.session != nil {
		s.audit(c, "logout", slog.Int64("user_id", st.session.UserID))
	} else {
		s.audit(c, "logout", slog.Bool("no_session", true))
	}
	return s.signedOut(c, "logged_out")
}

// logoutEverywhere ends every session of the user, on every device and every
// instance, this one included.
func (s *server) logoutEverywhere(c *fiber.Ctx) error {
	userID := state(c).session.UserID
	n, err := s.Sessions.DestroyAllForUser(c.UserContext(), userID, "")
	if err != nil {
		return err
	}
	s.audit(c, "logout", slog.Int64("user_id", userID), slog.String("scope", "everywhere"), slog.Int("sessions", n))
	return s.signedOut(c, "logged_out_everywhere")
}

// signedOut ends the request as a guest on the home page with a message.
func (s *server) signedOut(c *fiber.Ctx, flash string) error {
	state(c).session = nil
	s.clearSessionCookie(c)
	s.setFlash(c, flash)
	return c.Redirect("/", fiber.StatusSeeOther)
}
