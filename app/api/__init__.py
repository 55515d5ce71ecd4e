"""What every API dialect is built on: the registry the app asks which
dialect a request belongs to (dialects.py), the contract of its endpoints and
its notes (contract.py), answers written from their schemas (answers.py),
the fields of its schemas (fields.py), the response class and the store of
the app serving the request (context.py). Nothing here knows a dialect."""
