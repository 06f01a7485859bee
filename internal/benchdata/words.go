package benchdata

// The word lists the catalogue is made of. Products belong to a category, whose
// nouns, materials and feature sentences they draw on, so that names and
// descriptions read like a real shop's ("Hand-thrown stoneware mug") and a word
// such as "mug" matches a realistic share of the catalogue (about 1 %).

type category struct {
	nouns     []string
	materials []string
	features  []string
	minCents  int64 // price range of the category, in cents
	maxCents  int64
}

var categories = []category{
	{ // kitchen
		nouns: []string{"mug", "teapot", "bowl", "dinner plate", "skillet", "saucepan", "cutting board", "serving board",
			"carafe", "tumbler", "colander", "whisk", "ladle", "spoon set", "chef's knife", "butter dish", "salad bowl",
			"espresso cup", "pie dish", "tea towel"},
		materials: []string{"stoneware", "porcelain", "cast iron", "walnut", "oak", "olive wood", "glass", "enamel", "copper",
			"stainless steel", "linen", "bamboo"},
		features: []string{"Dishwasher and microwave safe.", "Holds about 350 ml.", "Oven safe up to 250 °C.",
			"Food safe, lead-free glaze.", "Oiled with food-grade mineral oil; wash by hand.", "Stacks neatly to save cupboard space.",
			"Pre-seasoned and ready for the stove.", "Works on gas, electric and induction hobs."},
		minCents: 800, maxCents: 14000,
	},
	{ // home
		nouns: []string{"candle", "vase", "planter", "throw blanket", "cushion cover", "rug", "table lamp", "wall mirror", "wall clock",
			"picture frame", "storage basket", "doormat", "curtain", "bookend", "coaster set", "incense holder"},
		materials: []string{"beeswax", "soy wax", "ceramic", "rattan", "jute", "wool", "cotton", "brass", "marble", "velvet", "linen", "terrazzo"},
		features: []string{"Burns for about 40 hours.", "Hand-poured in small batches.", "Drainage hole and saucer included.",
			"Machine washable at 30 °C.", "Hangs from a brass hook (included).", "Each piece has small variations in colour.",
			"Woven on a traditional loom.", "Dust with a soft dry cloth."},
		minCents: 900, maxCents: 25000,
	},
	{ // stationery
		nouns: []string{"notebook", "journal", "sketchbook", "fountain pen", "pencil case", "weekly planner", "bookmark", "envelope set",
			"greeting card", "desk organiser", "wax seal kit", "letterpress print", "washi tape", "ink bottle"},
		materials: []string{"recycled paper", "leather", "brass", "cotton paper", "kraft paper", "cork", "linen", "walnut"},
		features: []string{"160 pages of 100 g/m² paper that takes fountain pens well.", "Lay-flat binding, dot grid pages.",
			"Refillable with standard international cartridges.", "Printed on a 1950s Heidelberg press.",
			"Acid-free paper that will not yellow.", "Fits A5 notebooks and a few pens."},
		minCents: 300, maxCents: 9000,
	},
	{ // electronics
		nouns: []string{"headphones", "earbuds", "bluetooth speaker", "phone charger", "charging cable", "power bank", "mechanical keyboard",
			"mouse", "webcam", "phone stand", "laptop sleeve", "desk lamp", "smart plug", "usb hub"},
		materials: []string{"aluminium", "silicone", "braided nylon", "recycled plastic", "walnut", "wool felt", "leather"},
		features: []string{"Up to 30 hours of battery life.", "Charges over USB-C in under two hours.", "Active noise cancelling with a transparency mode.",
			"Bluetooth 5.3 with multipoint pairing.", "Two-year warranty.", "Works with Windows, macOS and Linux.",
			"Sweat and splash resistant (IPX4).", "Hot-swappable switches and PBT keycaps."},
		minCents: 1500, maxCents: 35000,
	},
	{ // clothing
		nouns: []string{"t-shirt", "hoodie", "sweater", "scarf", "beanie", "socks", "gloves", "jacket", "raincoat", "apron",
			"tote bag", "backpack", "belt", "cap", "cardigan"},
		materials: []string{"merino wool", "organic cotton", "linen", "cashmere", "denim", "waxed canvas", "leather", "alpaca", "fleece", "hemp"},
		features: []string{"Cut for a relaxed fit; take your usual size.", "Machine wash cold, dry flat.", "Knitted in a family mill.",
			"Fairtrade certified cotton.", "Water-repellent finish.", "Reinforced seams and a lifetime repair promise."},
		minCents: 1200, maxCents: 30000,
	},
	{ // jewellery
		nouns:     []string{"ring", "necklace", "bracelet", "earrings", "pendant", "brooch", "cufflinks", "anklet", "watch", "hair clip"},
		materials: []string{"sterling silver", "gold-plated brass", "rose gold", "titanium", "pearl", "amethyst", "turquoise", "opal", "resin"},
		features: []string{"Nickel free and hypoallergenic.", "Comes in a recycled gift box.", "Adjustable to fit most sizes.",
			"Each stone is hand-selected.", "Polish gently with the cloth provided."},
		minCents: 1800, maxCents: 40000,
	},
	{ // outdoors
		nouns: []string{"tent", "sleeping bag", "water bottle", "camping mug", "hammock", "lantern", "trekking poles", "compass",
			"picnic blanket", "cooler bag", "camping stove", "dry bag"},
		materials: []string{"ripstop nylon", "stainless steel", "enamel", "titanium", "canvas", "aluminium", "recycled polyester"},
		features: []string{"Weighs under a kilogram.", "Keeps drinks cold for 24 hours.", "Packs down to the size of a water bottle.",
			"Rated to -5 °C.", "Pitches in under five minutes.", "Tested on long walks in the Highlands."},
		minCents: 1200, maxCents: 45000,
	},
	{ // bath and beauty
		nouns: []string{"soap bar", "bath salts", "body lotion", "lip balm", "face oil", "shampoo bar", "bath towel", "loofah",
			"essential oil", "hand cream", "bath bomb", "beard oil"},
		materials: []string{"shea butter", "lavender", "goat milk", "charcoal", "olive oil", "rose", "eucalyptus", "oatmeal", "cotton", "seaweed"},
		features: []string{"Vegan and cruelty free.", "Made with cold-process saponification.", "Scented with pure essential oils.",
			"Suitable for sensitive skin.", "Plastic-free packaging.", "Lasts about 80 washes."},
		minCents: 400, maxCents: 6000,
	},
	{ // toys and games
		nouns: []string{"jigsaw puzzle", "board game", "wooden train", "teddy bear", "building blocks", "kite", "yo-yo",
			"rocking horse", "hand puppet", "card game", "marble run", "skipping rope"},
		materials: []string{"beech wood", "organic cotton", "wool felt", "maple", "recycled cardboard", "pine", "natural rubber"},
		features: []string{"For ages 3 and up.", "Finished with water-based, child-safe paint.", "1,000 pieces, 68 × 48 cm when done.",
			"For 2 to 6 players, about 30 minutes a game.", "Tested to EN 71 toy safety standards."},
		minCents: 500, maxCents: 15000,
	},
}

var adjectives = []string{"handmade", "hand-thrown", "rustic", "vintage", "minimalist", "classic", "modern", "compact", "large",
	"small", "tall", "wireless", "waterproof", "lightweight", "organic", "recycled", "artisan", "hand-stitched", "hand-painted",
	"engraved", "personalised", "scented", "speckled", "matte", "glazed", "woven", "knitted", "foldable", "portable",
	"eco-friendly", "heirloom", "everyday", "oversized", "mini", "striped", "quilted", "embroidered", "reversible", "limited edition",
	"signature"}

var colours = []string{"white", "black", "navy", "sage green", "terracotta", "mustard", "charcoal", "oatmeal", "blush pink",
	"forest green", "ochre", "slate grey", "ivory", "cobalt blue", "burgundy", "sand"}

var origins = []string{"in a small workshop in Porto", "by hand in Vermont", "in our studio in Leeds", "by a family business in Kyoto",
	"in a cooperative in Oaxaca", "in a converted barn in Devon", "by two sisters in Copenhagen", "in a mill in the Scottish Borders",
	"in Melbourne", "in a village near Jaipur"}

var closings = []string{"Ships within three working days.", "Each piece is unique.", "Gift-wrapped on request.", "Made to order.",
	"Packed in plastic-free packaging.", "Free returns within 30 days.", "A thoughtful gift for someone who has everything.",
	"Sold in a pack of one."}

// Typos of real words, for the typo scenario and tests: each is one edit away
// from a noun above.
var typos = []string{"hedphones", "notebok", "teapott", "skilet", "necklase", "hamock", "lanturn", "sweatter", "brooche",
	"candel", "plantr", "rainkoat", "earings", "backpak", "tumbeler"}
