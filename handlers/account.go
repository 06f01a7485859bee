package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

func (s *server) account(c *fiber.Ctx) error {
	user, err := s.currentUser(c)
	if err != nil {
		return err
	}
	products, err := s.Catalog.ProductsBySeller(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AccountPage(s.page(c, "Your account"), *user, products))
}
