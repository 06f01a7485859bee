package handlers

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// keptMail is what the outbox pages ask of services.Outbox.
type keptMail interface {
	Recent(ctx context.Context, limit int) ([]models.OutboxMail, error)
	ByID(ctx context.Context, id int64) (*models.OutboxMail, error)
}

// devMailHandlers show the mail kept instead of sent (development only: the
// routes exist only when main passes an outbox).
type devMailHandlers struct {
	*web
	outbox keptMail
}

// devMailShown is how many kept messages /dev/mail lists.
const devMailShown = 50

// devMailHTMLPolicy lets a mail's own inline styles and remote images work and
// nothing else: no scripts, no forms, and (sandbox) an opaque origin that cannot
// read the shop's cookies or pages.
const devMailHTMLPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox"

// list lists the messages the embedded mailer kept, newest first.
func (h *devMailHandlers) list(c *fiber.Ctx) error {
	mails, err := h.outbox.Recent(c.UserContext(), devMailShown)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DevMailPage(h.page(c, "Mail outbox"), mails))
}

// html shows one kept message's HTML part as its own sandboxed document.
func (h *devMailHandlers) html(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	m, err := h.outbox.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, devMailHTMLPolicy)
	c.Type("html", "utf-8")
	return c.SendString(m.HTML)
}
