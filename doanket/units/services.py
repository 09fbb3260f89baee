import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.core.lib.dates import format_date
from doanket.units.models import BEGINNING, END, Succession, Unit, UnitLink, valid_on


def _overlapping(queryset, valid_from: datetime.date, valid_to: datetime.date):
    return queryset.filter(valid_from__lte=valid_to, valid_to__gte=valid_from)


def _parent_placement(
    *, child: Unit, parent: Unit, valid_from: datetime.date, valid_to: datetime.date
) -> UnitLink:
    """The one placement of `parent` covering the whole span, refusing cycles."""
    placements = list(_overlapping(UnitLink.objects.filter(child=parent), valid_from, valid_to))
    covering = [p for p in placements if p.valid_from <= valid_from and p.valid_to >= valid_to]
    if not covering:
        raise ValidationError(
            _(
                "Đơn vị cấp trên “%(parent)s” không có vị trí trong cây suốt thời gian "
                "%(start)s – %(end)s. Hãy chọn khoảng thời gian nằm trong thời gian hiệu lực "
                "của đơn vị cấp trên."
            )
            % {
                "parent": parent.name,
                "start": format_date(valid_from) if valid_from != BEGINNING else "…",
                "end": format_date(valid_to) if valid_to != END else "…",
            }
        )
    placement = covering[0]
    if child.pk in placement.path_ids():
        raise ValidationError(
            _(
                "Không thể đặt “%(child)s” dưới “%(parent)s”: “%(parent)s” đang trực thuộc "
                "“%(child)s”, quan hệ này sẽ tạo thành vòng lặp."
            )
            % {"child": child.name, "parent": parent.name}
        )
    return placement


@transaction.atomic
def unit_link_create(
    *,
    child: Unit,
    parent: Unit | None,
    valid_from: datetime.date = BEGINNING,
    valid_to: datetime.date = END,
) -> UnitLink:
    """Place `child` under `parent` (or as a root) for a span in which it has no other place."""
    if valid_from > valid_to:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if parent is not None and parent.pk == child.pk:
        raise ValidationError(_("Một đơn vị không thể trực thuộc chính nó."))
    if not (child.valid_from <= valid_from and valid_to <= child.valid_to):
        raise ValidationError(
            _("Khoảng thời gian trực thuộc phải nằm trong thời gian hiệu lực của “%(unit)s”.")
            % {"unit": child.name}
        )
    clash = _overlapping(UnitLink.objects.filter(child=child), valid_from, valid_to).first()
    if clash is not None:
        raise ValidationError(
            _(
                "“%(unit)s” đã có quan hệ trực thuộc khác trong khoảng thời gian này "
                "(từ %(start)s). Hãy kết thúc quan hệ cũ trước."
            )
            % {"unit": child.name, "start": format_date(clash.shown_valid_from) or "…"}
        )
    if parent is None:
        path = f"/{child.pk}/"
    else:
        placement = _parent_placement(
            child=child, parent=parent, valid_from=valid_from, valid_to=valid_to
        )
        path = f"{placement.path}{child.pk}/"
    link = UnitLink(
        child=child,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        path=path,
        depth=path.count("/") - 2,
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None, on: datetime.date) -> UnitLink:
    """From `on`, place `unit` under `parent`, carrying its whole subtree along.

    The old placement ends the day before; every descendant placement that reaches `on`
    is split the same way, so each link's path stays the path of its own span.
    """
    current = UnitLink.objects.select_for_update().filter(valid_on(on), child=unit).first()
    if current is None:
        raise ValidationError(
            _("“%(unit)s” không có vị trí trong cây vào ngày %(on)s.")
            % {"unit": unit.name, "on": format_date(on)}
        )
    if current.valid_from == on:
        raise ValidationError(_("Quan hệ trực thuộc hiện tại bắt đầu đúng ngày này; hãy sửa nó."))
    if parent is not None:
        _parent_placement(child=unit, parent=parent, valid_from=on, valid_to=current.valid_to)
        if parent.pk == unit.pk:
            raise ValidationError(_("Một đơn vị không thể trực thuộc chính nó."))
    old_prefix = current.path
    end = current.valid_to
    new_prefix = (
        f"/{unit.pk}/" if parent is None else f"{unit_link_path_on(unit=parent, on=on)}{unit.pk}/"
    )
    descendants = list(
        UnitLink.objects.select_for_update()
        .filter(path__startswith=old_prefix, valid_to__gte=on)
        .exclude(pk=current.pk)
    )
    day_before = on - datetime.timedelta(days=1)
    current.valid_to = day_before
    current.save(update_fields=["valid_to"])
    moved = UnitLink.objects.create(
        child=unit,
        parent=parent,
        valid_from=on,
        valid_to=end,
        path=new_prefix,
        depth=new_prefix.count("/") - 2,
    )
    for link in descendants:
        new_path = new_prefix + link.path[len(old_prefix) :]
        if link.valid_from < on:
            UnitLink.objects.create(
                child_id=link.child_id,
                parent_id=link.parent_id,
                valid_from=on,
                valid_to=link.valid_to,
                path=new_path,
                depth=new_path.count("/") - 2,
            )
            link.valid_to = day_before
            link.save(update_fields=["valid_to"])
        else:
            link.path = new_path
            link.depth = new_path.count("/") - 2
            link.save(update_fields=["path", "depth"])
    return moved


def unit_link_path_on(*, unit: Unit, on: datetime.date) -> str:
    link = UnitLink.objects.filter(valid_on(on), child=unit).only("path").first()
    if link is None:
        raise ValidationError(
            _("“%(unit)s” không có vị trí trong cây vào ngày %(on)s.")
            % {"unit": unit.name, "on": format_date(on)}
        )
    return link.path


@transaction.atomic
def unit_end(*, unit: Unit, last_day: datetime.date) -> None:
    """End a unit (merged away, split, or its level abolished) after its last day."""
    if last_day < unit.valid_from:
        raise ValidationError(_("Ngày kết thúc không thể trước ngày đơn vị bắt đầu hoạt động."))
    still_below = UnitLink.objects.filter(parent=unit, valid_to__gt=last_day).exists()
    if still_below:
        raise ValidationError(
            _(
                "“%(unit)s” vẫn còn đơn vị trực thuộc sau ngày %(day)s. Hãy chuyển các đơn vị "
                "đó sang đơn vị mới trước khi kết thúc đơn vị này."
            )
            % {"unit": unit.name, "day": format_date(last_day)}
        )
    if UnitLink.objects.filter(child=unit, valid_from__gt=last_day).exists():
        raise ValidationError(
            _("“%(unit)s” có quan hệ trực thuộc bắt đầu sau ngày kết thúc; hãy xóa quan hệ đó.")
            % {"unit": unit.name}
        )
    UnitLink.objects.filter(child=unit, valid_to__gt=last_day).update(valid_to=last_day)
    unit.valid_to = last_day
    unit.save(update_fields=["valid_to"])


@transaction.atomic
def succession_record(*, old: Unit, new: Unit, kind: str, primary: bool = True) -> Succession:
    if old.pk == new.pk:
        raise ValidationError(_("Đơn vị cũ và đơn vị mới phải khác nhau."))
    if new.valid_from <= old.valid_from:
        raise ValidationError(_("Đơn vị kế thừa phải bắt đầu sau đơn vị cũ."))
    succession = Succession(old=old, new=new, date=new.valid_from, kind=kind, primary=primary)
    succession.full_clean()
    succession.save()
    return succession
