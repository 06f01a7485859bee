package handlers

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// errorHandler is the one place errors become responses (handle). The edge
// middleware calls it for every request that fails.
type errorHandler struct {
	*web
	requestTimeout time.Duration
	goneUsers      goneUserSignOut
	limits         *bodyLimits // for the 413 page
}

// goneUserSignOut signs out a visitor whose account was deleted while the
// request ran (sessionMiddleware).
type goneUserSignOut interface {
	signOutGoneUser(c *fiber.Ctx) error
}

// statusOf maps a domain error code to an HTTP status.
func statusOf(code models.Code) int {
	switch code {
	case models.EINVALID, models.EUNAUTHORIZED:
		return fiber.StatusUnprocessableEntity
	case models.EFORBIDDEN:
		return fiber.StatusForbidden
	case models.ENOTFOUND:
		return fiber.StatusNotFound
	case models.ECONFLICT:
		return fiber.StatusConflict
	case models.ETHROTTLED:
		return fiber.StatusTooManyRequests
	case models.EUNAVAILABLE:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// respond answers the request with err; if even that fails, a bare 500.
func (h *errorHandler) respond(c *fiber.Ctx, err error) {
	if herr := h.handle(c, err); herr != nil {
		_ = c.SendStatus(fiber.StatusInternalServerError)
	}
}

// handle is the one place errors become responses: a status, a page with a
// message that never includes internal details, and one log line for failures.
func (h *errorHandler) handle(c *fiber.Ctx, err error) error {
	if errors.Is(err, services.ErrUserGone) && state(c).session.SignedIn() {
		// The account was deleted while this request ran: signed out, not a
		// failure. The request's deadline has passed by now (the middleware has
		// unwound), so ending the sessions gets one of its own.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), h.requestTimeout)
		defer cancel()
		c.SetUserContext(ctx)
		c.Response().ResetBody()
		if err = h.goneUsers.signOutGoneUser(c); err == nil {
			return nil
		}
	}
	status, heading, message := describe(err, h.limits.limitOf(c.Method(), c.Path()))
	if status >= 500 {
		h.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
			slog.String("rid", requestID(c)), slog.Int("status", status),
			slog.String("path", c.Path()), slog.String("error", err.Error()))
	}
	if !setRetryAfter(c, err) && status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	if status == fiber.StatusMethodNotAllowed {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	c.Response().ResetBody()
	// The request's deadline context may already be cancelled by the time errors
	// get here (middleware unwinds first); the error page must still render.
	c.SetUserContext(context.WithoutCancel(c.UserContext()))
	if status == fiber.StatusServiceUnavailable {
		// Keep the outage page plain: rendering the layout could need the very
		// dependency that is down, and must not fail a second time.
		c.Status(status)
		c.Type("html", "utf-8")
		return c.SendString(plainErrorPage(heading, message))
	}
	p := h.page(c, heading)
	return render(c, status, views.ErrorPage(p, status, heading, message))
}

// setRetryAfter sends the Retry-After that err carries, in whole seconds, and
// reports whether there was one.
func setRetryAfter(c *fiber.Ctx, err error) bool {
	var appErr *models.Error
	if !errors.As(err, &appErr) || appErr.RetryAfter <= 0 {
		return false
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(appErr.RetryAfter.Seconds()+0.5)))
	return true
}

// describe returns the status, heading and user-safe message for err;
// bodyLimit is the request's, which a 413 names.
func describe(err error, bodyLimit int) (int, string, string) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "Page not found", "We could not find the page you were looking for."
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "Method not allowed", "This address does not accept that kind of request."
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "Request too large",
				fmt.Sprintf("That was more data than the shop accepts (%d MiB at most).", bodyLimit>>20)
		case fiber.StatusRequestTimeout:
			return fe.Code, "Request timeout", "The request took too long to arrive."
		case fiber.StatusRequestHeaderFieldsTooLarge:
			return fe.Code, "Headers too large", "The request headers were too large."
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, http.StatusText(fe.Code), "The request could not be processed."
		}
		return fiber.StatusInternalServerError, "Something went wrong", models.ErrorMessage(err)
	}
	code := models.ErrorCode(err)
	status := statusOf(code)
	switch code {
	case models.ENOTFOUND:
		return status, "Not found", models.ErrorMessage(err)
	case models.EFORBIDDEN:
		return status, "Request refused", models.ErrorMessage(err)
	case models.ECONFLICT:
		return status, "This changed while you were working on it", models.ErrorMessage(err)
	case models.ETHROTTLED:
		return status, "Too many attempts", models.ErrorMessage(err)
	case models.EUNAVAILABLE:
		return status, "Temporarily unavailable", models.ErrorMessage(err)
	case models.EINVALID, models.EUNAUTHORIZED:
		return status, "Please check your input", models.ErrorMessage(err)
	}
	return status, "Something went wrong", models.ErrorMessage(err)
}

// plainErrorPage is a self-contained page for outages (no templates, no assets).
func plainErrorPage(heading, message string) string {
	heading, message = html.EscapeString(heading), html.EscapeString(message)
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>` + heading +
		` · Storefront</title></head><body><nav id="nav"><a href="` + paths.Home + `">Storefront</a></nav><main><h1>` + heading +
		`</h1><p>` + message + `</p></main></body></html>`
}
