package handlers

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// sessionManager is what the sessions page asks of services.Sessions.
type sessionManager interface {
	ListForUser(ctx context.Context, userID int64) ([]services.SessionInfo, error)
	DestroyByRef(ctx context.Context, userID int64, ref string) (bool, error)
	DestroyAllForUser(ctx context.Context, userID int64, exceptID string) (int, error)
}

// accountSessionHandlers show the user where they are signed in and end those
// sessions, on every instance at once. Pages name a session by its handle
// (services.Session.Ref), never by its id.
type accountSessionHandlers struct {
	*web
	sessions sessionManager
}

// list shows every live session of the user, this one first and marked.
func (h *accountSessionHandlers) list(c *fiber.Ctx) error {
	sess := state(c).session
	infos, err := h.sessions.ListForUser(c.UserContext(), sess.UserID)
	if err != nil {
		return err
	}
	current := sess.Ref()
	rows := make([]views.SessionRow, 0, len(infos))
	for _, info := range infos {
		row := views.SessionRow{
			Ref: info.Ref, Current: info.Ref == current, Device: models.DescribeUserAgent(info.UserAgent),
			Network: info.Network, Started: info.CreatedAt, LastUsed: info.LastSeen,
		}
		if row.Current {
			rows = append([]views.SessionRow{row}, rows...)
		} else {
			rows = append(rows, row)
		}
	}
	return render(c, fiber.StatusOK, views.SessionsPage(h.page(c, "Your sessions"), rows))
}

// endOne signs out one session of the user. htmx gets nothing in place of the
// session's row and the message in the flash region; a plain form comes back
// to the list. A handle that names no live session of the user (ended
// meanwhile, or another user's) ends nothing and says so. This session's own
// handle signs this browser out, as "Log out" does.
func (h *accountSessionHandlers) endOne(c *fiber.Ctx) error {
	sess := state(c).session
	ref := c.Params("ref")
	found, err := h.sessions.DestroyByRef(c.UserContext(), sess.UserID, ref)
	if err != nil {
		return err
	}
	h.audit(c, "session.ended", slog.String("reason", "user"), slog.Int64("user_id", sess.UserID),
		slog.String("scope", "one"), slog.Bool("found", found))
	if found && ref == sess.Ref() {
		state(c).session = nil
		h.clearSessionCookie(c)
		h.setFlash(c, "logged_out")
		return redirect(c, paths.Home)
	}
	flash := "session_gone"
	if found {
		flash = "session_ended"
	}
	if isHTMX(c) {
		return render(c, fiber.StatusOK, views.SessionEnded(flashText(flash, sess.Email)))
	}
	h.setFlash(c, flash)
	return redirect(c, paths.AccountSessions)
}

// endOthers signs out every session of the user but this one.
func (h *accountSessionHandlers) endOthers(c *fiber.Ctx) error {
	sess := state(c).session
	n, err := h.sessions.DestroyAllForUser(c.UserContext(), sess.UserID, sess.ID)
	if err != nil {
		return err
	}
	h.audit(c, "session.ended", slog.String("reason", "user"), slog.Int64("user_id", sess.UserID),
		slog.String("scope", "others"), slog.Int("sessions", n))
	h.setFlash(c, "other_sessions_ended")
	return redirect(c, paths.AccountSessions)
}
