package views

import "strconv"

// productCount is "1 product" or "N products".
func productCount(n int) string {
	if n == 1 {
		return "1 product"
	}
	return strconv.Itoa(n) + " products"
}
