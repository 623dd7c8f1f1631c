"""What every blueprint shares: form helpers and fields, access decorators, the proposal pages of
buyers and producers, template filters, locale selection and error pages."""
