"""Research: campaigns, prospective partners and the stakeholder network."""
