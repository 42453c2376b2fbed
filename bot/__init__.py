"""louwu's application: WeChat in and out, intake, configuration, command line."""
