package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

// devMailShown is how many kept messages /dev/mail lists.
const devMailShown = 50

// devMailHTMLPolicy lets a mail's own inline styles and remote images work and
// nothing else: no scripts, no forms, and (sandbox) an opaque origin that cannot
// read the shop's cookies or pages.
const devMailHTMLPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox"

// devMail lists the messages the embedded mailer kept (development only: the
// route exists only when main passes an outbox).
func (s *server) devMail(c *fiber.Ctx) error {
	mails, err := s.DevOutbox.Recent(c.UserContext(), devMailShown)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.DevMailPage(s.page(c, "Mail outbox"), mails))
}

// devMailHTML shows one kept message's HTML part as its own sandboxed document.
func (s *server) devMailHTML(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	m, err := s.DevOutbox.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, devMailHTMLPolicy)
	c.Type("html", "utf-8")
	return c.SendString(m.HTML)
}
