"""The catalogue pages: posts and their skills, the core competencies; admins edit them."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, CurrentUser, FormOf, PathId, Search
from app.errors import FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role
from app.schemas.curriculum import CompetencyForm, NewSkillForm, PostForm, SkillNames
from app.services import curriculum as curriculum_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(prefix="/catalogue", route_class=SessionRoute)


def _is_admin(user) -> bool:
    return user.role == Role.admin


def _back_to(anchor: str) -> str:
    return f"/catalogue#{anchor}"


@router.get("", dependencies=[AnyUser])
def catalogue_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    q: Search = "",
) -> Response:
    can_edit = _is_admin(user)
    context = {
        "catalogue": curriculum_service.kept_catalogue(session).view(can_edit=can_edit),
        "q": q.strip(),
    }
    if context["q"]:  # a search is computed afresh; the whole catalogue is kept
        groups = curriculum_service.list_catalogue(session, search=q)
        context["found"] = {"groups": groups, "can_edit": can_edit}
        context["matches"] = sum(len(g.skills) for g in groups)
    return render(request, "catalogue/index.html", context, block="results")


# --- skills ---------------------------------------------------------------------------


def _skill_row(request: Request, session, skill, *, can_edit: bool, toast=None) -> Response:
    post = curriculum_service.get_post(session, skill.post_id)
    context = {"skill": skill, "post": post, "can_edit": can_edit, "toast": toast}
    return render(request, "catalogue/skill.html", context, block="skill_row")


@router.get("/skills/{skill_id}", dependencies=[AnyUser])
def skill_page(
    request: Request, session: SessionDep, user: CurrentUser, skill_id: PathId
) -> Response:
    skill = curriculum_service.get_skill(session, skill_id)
    return _skill_row(request, session, skill, can_edit=_is_admin(user))


def _skill_form(request, session, skill, *, form, errors, status_code=200) -> Response:
    post = curriculum_service.get_post(session, skill.post_id)
    context = {"skill": skill, "post": post, "form": form, "errors": errors}
    return render(
        request, "catalogue/skill_edit.html", context, block="skill_form", status_code=status_code
    )


@router.get("/skills/{skill_id}/edit", dependencies=[AdminOnly])
def edit_skill_page(request: Request, session: SessionDep, skill_id: PathId) -> Response:
    skill = curriculum_service.get_skill(session, skill_id)
    form = {"name_zh": skill.name_zh, "name_en": skill.name_en}
    return _skill_form(request, session, skill, form=form, errors={})


@router.post("/skills/{skill_id}", dependencies=[AdminOnly])
def save_skill(
    request: Request,
    session: SessionDep,
    skill_id: PathId,
    form: FormOf(SkillNames),
) -> Response:
    try:
        skill = curriculum_service.update_skill(session, skill_id=skill_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        skill = curriculum_service.get_skill(session, skill_id)
        return _skill_form(
            request, session, skill, form=form.values, errors=exc.errors, status_code=422
        )
    session.commit()
    return _after_skill_change(request, session, skill, N_("The skill has been saved."))


def _after_skill_change(request, session, skill, message: str) -> Response:
    """htmx gets the changed row back (with a toast); plain forms go back to the list."""
    if is_htmx(request):  # only admins change skills, so the row keeps its edit buttons
        return _skill_row(request, session, skill, can_edit=True, toast=message)
    return flash(redirect(request, _back_to(f"skill-{skill.id}")), message)


@router.post("/skills/{skill_id}/retire", dependencies=[AdminOnly])
def retire_skill(request: Request, session: SessionDep, skill_id: PathId) -> Response:
    skill = curriculum_service.set_skill_retired(session, skill_id=skill_id, retired=True)
    session.commit()
    message = N_("The skill has been retired.")
    return _after_skill_change(request, session, skill, message)


@router.post("/skills/{skill_id}/restore", dependencies=[AdminOnly])
def restore_skill(request: Request, session: SessionDep, skill_id: PathId) -> Response:
    skill = curriculum_service.set_skill_retired(session, skill_id=skill_id, retired=False)
    session.commit()
    message = N_("The skill is in use again.")
    return _after_skill_change(request, session, skill, message)


@router.post("/skills/{skill_id}/delete", dependencies=[AdminOnly])
def delete_skill(request: Request, session: SessionDep, skill_id: PathId) -> Response:
    curriculum_service.delete_skill(session, skill_id=skill_id)
    session.commit()
    message = N_("The skill has been deleted.")
    if is_htmx(request):  # the row's swap removes it; the toast goes out of band
        return render(request, "catalogue/_toast.html", {"toast": message})
    return flash(redirect(request, "/catalogue"), message)


def _new_skill_form(request, post, *, form, errors, inline, status_code=200) -> Response:
    context = {"post": post, "form": form, "errors": errors, "inline": inline}
    return render(
        request,
        "catalogue/skill_new.html",
        context,
        block="skill_new_form",
        status_code=status_code,
    )


@router.get("/posts/{post_id}/skills/new", dependencies=[AdminOnly])
def new_skill_page(request: Request, session: SessionDep, post_id: PathId) -> Response:
    """Its own page, or (htmx, from the catalogue's "Add a skill") the inline form."""
    post = curriculum_service.get_post(session, post_id)
    return _new_skill_form(request, post, form={}, errors={}, inline=is_htmx(request))


@router.post("/posts/{post_id}/skills", dependencies=[AdminOnly])
def create_skill(
    request: Request,
    session: SessionDep,
    post_id: PathId,
    form: FormOf(NewSkillForm),
) -> Response:
    """The catalogue page's inline form (htmx) gets the new row back; otherwise a redirect."""
    inline = bool(form.values.inline)
    try:
        skill = curriculum_service.add_skill(session, post_id=post_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        post = curriculum_service.get_post(session, post_id)
        return _new_skill_form(
            request, post, form=form.values, errors=exc.errors, inline=inline, status_code=422
        )
    session.commit()
    if inline and is_htmx(request):
        post = curriculum_service.get_post(session, post_id)
        toast = _l("Skill %(code)s has been added.", code=skill.code)
        context = {"post": post, "skill": skill, "can_edit": True, "toast": toast}
        return render(request, "catalogue/_skill_added.html", context)
    response = redirect(request, _back_to(f"skill-{skill.id}"))
    return flash(response, "Skill %(code)s has been added.", code=skill.code)


# --- posts ------------------------------------------------------------------------------


BILINGUAL_FIELDS = ("name_zh", "name_en", "description_zh", "description_en")
POST_FIELDS = (*BILINGUAL_FIELDS, "is_core")


def _values(obj, fields: tuple[str, ...]) -> dict:
    """An edit form's starting values: the object's own."""
    return {name: getattr(obj, name) for name in fields}


def _post_form(request, post, *, form, errors, status_code=200) -> Response:
    context = {"post": post, "form": form, "errors": errors}
    return render(
        request, "catalogue/post_edit.html", context, block="post_form", status_code=status_code
    )


@router.get("/posts/{post_id}/edit", dependencies=[AdminOnly])
def edit_post_page(request: Request, session: SessionDep, post_id: PathId) -> Response:
    post = curriculum_service.get_post(session, post_id)
    return _post_form(request, post, form=_values(post, POST_FIELDS), errors={})


@router.post("/posts/{post_id}", dependencies=[AdminOnly])
def save_post(
    request: Request,
    session: SessionDep,
    post_id: PathId,
    form: FormOf(PostForm),
) -> Response:
    try:
        post = curriculum_service.update_post(session, post_id=post_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        post = curriculum_service.get_post(session, post_id)
        return _post_form(request, post, form=form.values, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, _back_to(f"post-{post.id}")), "The post has been saved.")


# --- core competencies -----------------------------------------------------------------


def _competency_form(request, competency, *, form, errors, status_code=200) -> Response:
    context = {"competency": competency, "form": form, "errors": errors}
    return render(
        request,
        "catalogue/competency_edit.html",
        context,
        block="competency_form",
        status_code=status_code,
    )


@router.get("/competencies/{competency_id}/edit", dependencies=[AdminOnly])
def edit_competency_page(request: Request, session: SessionDep, competency_id: PathId) -> Response:
    competency = curriculum_service.get_competency(session, competency_id)
    return _competency_form(
        request, competency, form=_values(competency, BILINGUAL_FIELDS), errors={}
    )


@router.post("/competencies/{competency_id}", dependencies=[AdminOnly])
def save_competency(
    request: Request,
    session: SessionDep,
    competency_id: PathId,
    form: FormOf(CompetencyForm),
) -> Response:
    try:
        competency = curriculum_service.update_competency(
            session, competency_id=competency_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        competency = curriculum_service.get_competency(session, competency_id)
        return _competency_form(
            request, competency, form=form.values, errors=exc.errors, status_code=422
        )
    session.commit()
    response = redirect(request, _back_to(f"competency-{competency.id}"))
    return flash(response, "The core competency has been saved.")
