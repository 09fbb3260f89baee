import datetime

from doanket.units.models import REFORM_DATE


def reform(request):
    return {"reform_date": REFORM_DATE, "before_reform": REFORM_DATE - datetime.timedelta(days=1)}
