"""The accounts a caller manages (AccountsController#index) and an account's
sub-accounts. The school is one root account with none beneath it."""
from marshmallow import fields

from ..api.context import store
from ..api.contract import Operation, Reply, Sample
from . import contract as c
from . import schemas as s
from .auth import caller
from .errors import forbidden
from .ids import find_account
from .jsonfmt import answer_rows
from .paging import numbered_page
from .params import boolean, params, scalars
from .render import account_json


class AccountsQuery(s.Paged):
    page = s.described("a page number", fields.String())


class SubAccountsQuery(AccountsQuery):
    recursive = s.described("true: every account below, not only the children",
                            fields.String())


ACCOUNTS = {"type": "array", "items": s.Account}
INDEX = Operation(
    "List the accounts you manage", "Accounts", query=AccountsQuery,
    replies={200: Reply("The school's account to its admins; `[]` to anyone else", ACCOUNTS,
                        headers=c.LINK)},
    description="Teachers and students manage no account, and get an empty list.",
    sample=Sample({}))
SUB_ACCOUNTS = Operation(
    "List an account's sub-accounts", "Accounts", query=SubAccountsQuery,
    replies={200: Reply("The accounts beneath it: none, the school's accounts are flat",
                        ACCOUNTS, headers=c.LINK),
             403: c.FORBIDDEN},
    description="For account admins.", sample=Sample({"account_id": "self"}))


def _listed(accounts, given, last=True):
    shown, headers = numbered_page(accounts, given, last)
    return answer_rows(s.Account, map(account_json, shown), headers)


def index():
    given = params()
    return _listed([store().canvas_account()] if caller().administrator else [], given,
                   last=False)  # bookmarked in Canvas: no last link


def sub_accounts(account_id):
    find_account(account_id)
    if not caller().administrator:
        raise forbidden()
    given = params()
    recursive = boolean(scalars({"recursive": given.get("recursive")})["recursive"])
    return _listed([], given, last=not recursive)  # a recursive walk knows no total
