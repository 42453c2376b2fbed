"""The simulator: a local stand-in for WeChat, so louwu can be tried and tested without an account."""
