//! 日本語 / English toggle.

use yew::prelude::*;

use crate::text::{Lang, Text};

/// Props of [`LangToggle`].
#[derive(Properties, PartialEq)]
pub struct LangToggleProps {
    /// The language shown now.
    pub lang: Lang,
    /// Called with the language the user picked.
    pub on_change: Callback<Lang>,
}

/// Two buttons, one per language; the current one is marked `aria-pressed`.
#[component(LangToggle)]
pub fn lang_toggle(props: &LangToggleProps) -> Html {
    let buttons = Lang::ALL.into_iter().map(|lang| {
        let pressed = lang == props.lang;
        let onclick = props.on_change.reform(move |_: MouseEvent| lang);
        html! {
            <button
                type="button"
                class={classes!("lang-button", pressed.then_some("is-current"))}
                lang={lang.tag()}
                aria-pressed={pressed.to_string()}
                {onclick}
            >
                { lang.endonym() }
            </button>
        }
    });
    html! {
        <div class="lang-toggle" role="group" aria-label={Text::LanguageLabel.get(props.lang)}>
            { for buttons }
        </div>
    }
}
