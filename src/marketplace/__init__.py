"""The reference marketplace (BloomNet side): lists wholesalers' inventory, sells it to florists.

It is a separate Django project with its own database and process, and it reaches Stemlink only
over HTTP with the public API and the tokens a wholesaler hands over: it never imports `stemlink`.
"""
