package services

import "github.com/storefront/storefront/models"

func unavailable(what string, err error) error { return models.Unavailable(what, err) }
