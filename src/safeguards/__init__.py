"""Safe defaults both applications share: server keys, and where outbound calls may go.

Neither Stemlink nor the marketplace imports the other; both import this small package, which
imports neither of them and no Django, so each rule here is tested by itself.
"""
